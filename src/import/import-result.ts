/**
 * The end of every import: an imported topology → notices for CLB's defaults → the plan of calls →
 * the fold check (any call CLB would reject fails the import, at its input value) → the scenario
 * text. Nothing is written when anything failed.
 */

import { sortDiagnostics } from '../scenario/issues.js';
import type { Diagnostic } from '../scenario/scenario-model.js';
import type { TopologyState } from '../topology/types.js';
import { noteDefaults } from './clb-defaults.js';
import { type Plan, planEvents } from './event-plan.js';
import type { ImportLog } from './import-log.js';
import type { ImportedTopology } from './imported-topology.js';
import { checkPlan } from './plan-check.js';
import { writeScenario } from './scenario-writer.js';

export type ImportResult =
  | {
      readonly ok: true;
      /** The scenario file (YAML, OpenAPI-events form). */
      readonly text: string;
      readonly notices: readonly string[];
      /** The topology the scenario folds to. */
      readonly state: TopologyState;
      readonly plan: Plan;
      /** One line: what was imported. */
      readonly summary: string;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly notices: readonly string[] };

export interface ImportMeta {
  /** `aliyun` or `terraform`. */
  readonly source: string;
  /** The input files, as named. */
  readonly inputs: readonly string[];
  readonly name: string;
  readonly description: string;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summarizeState(state: TopologyState, events: number): string {
  const lbs = state.LoadBalancers;
  const listeners = lbs.flatMap((lb) => lb.Listeners);
  return [
    count(lbs.length, 'load balancer'),
    count(listeners.length, 'listener'),
    count(lbs.flatMap((lb) => lb.VServerGroups).length, 'VServer group'),
    count(lbs.flatMap((lb) => lb.MasterSlaveServerGroups).length, 'primary/secondary group'),
    count(listeners.flatMap((l) => l.Rules).length, 'rule'),
    count(state.Instances.length, 'ECS instance'),
    count(events, 'event'),
  ].join(', ');
}

/** The inputs in a few words: the files, or the directory they share. */
function inputsLine(inputs: readonly string[]): string {
  if (inputs.length <= 3) return inputs.join(', ');
  const dirs = inputs.map((f) => f.split('/').slice(0, -1));
  let common = dirs[0];
  for (const d of dirs) {
    let n = 0;
    while (n < common.length && n < d.length && common[n] === d[n]) n++;
    common = common.slice(0, n);
  }
  return common.length > 0 ? `under ${common.join('/')}/` : `${inputs.slice(0, 3).join(', ')}, …`;
}

/** Check and write `topology`; `log` has the reading's problems and notices. */
export function finishImport(
  topology: ImportedTopology | undefined,
  log: ImportLog,
  meta: ImportMeta,
): ImportResult {
  if (log.failed || topology === undefined)
    return { ok: false, diagnostics: sortDiagnostics(log.diagnostics), notices: log.notices() };
  noteDefaults(topology, log);
  const plan = planEvents(topology);
  const check = checkPlan(plan);
  const notices = log.notices();
  if (check.diagnostics.length > 0)
    return { ok: false, diagnostics: sortDiagnostics(check.diagnostics), notices };
  const summary = summarizeState(check.state, plan.events.length);
  const header = [
    `Imported by \`slbsim import ${meta.source}\` from ${count(meta.inputs.length, 'file')} ${inputsLine(meta.inputs)}.`,
    `${summary}. Each instance and call says which input it came from (file:line).`,
    'Folding these events gives the imported state:',
    `  slbsim state <this file> --json`,
    ...(notices.length > 0 ? ['', 'Notices:', ...notices.map((n) => `- ${n}`)] : []),
  ];
  const text = writeScenario(plan, { name: meta.name, description: meta.description, header });
  return { ok: true, text, notices, state: check.state, plan, summary };
}
