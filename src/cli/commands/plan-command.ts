/** `slbsim plan` — what a change will do to a scenario's traffic, before it is made. */
import type { Command } from 'commander';
import { changeRejections, withChange } from '../../plan/apply-change.js';
import { type Change, loadChange } from '../../plan/change-file.js';
import { planChange } from '../../plan/plan-change.js';
import { isPlanFormat, PLAN_FORMATS, renderPlan } from '../../plan/plan-render.js';
import type { Scenario } from '../../scenario/scenario-model.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../util/user-error.js';
import { action, diagnosticsError, positiveInt } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked } from '../run-pipeline.js';

interface PlanOptions {
  change: string;
  format: string;
  seed?: string;
  requests?: string;
  maxMoved?: string;
}

/** Load a change file or fail with its diagnostics (exit 2). */
export function loadChangeFile(file: string): Change {
  const loaded = loadChange(file);
  if (!loaded.ok) throw diagnosticsError(loaded.diagnostics);
  return loaded.change;
}

/**
 * `--change <file>` of `state` and `route`: the scenario with the change applied, or every
 * rejection the change brings (exit 2, nothing applied).
 */
export function withChangeFile(scenario: Scenario, file: string | undefined): Scenario {
  if (file === undefined) return scenario;
  const change = loadChangeFile(file);
  const rejected = changeRejections(scenario, change);
  if (rejected.length > 0) throw diagnosticsError(rejected);
  return withChange(scenario, change);
}

function fractionOption(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UserError([`${name}: expected a fraction from 0 to 1 such as 0.1, got "${value}"`]);
  return n;
}

export function plan(file: string, opts: PlanOptions): number {
  if (!isPlanFormat(opts.format))
    throw new UserError([`--format: expected one of ${PLAN_FORMATS.join(', ')}, got "${opts.format}"`]);
  const requests = opts.requests === undefined ? undefined : positiveInt('--requests')(opts.requests);
  const maxMoved = opts.maxMoved === undefined ? undefined : fractionOption('--max-moved', opts.maxMoved);
  const scenario = loadChecked(file, { seed: opts.seed, requests });
  const change = loadChangeFile(opts.change);
  const result = planChange(scenario, change, { seed: opts.seed, requests, label: file, maxMoved });
  if (!result.ok) throw diagnosticsError(result.diagnostics);
  process.stdout.write(renderPlan(result.plan, opts.format, { color: process.stdout.isTTY === true }));
  return result.plan.passed ? EXIT_OK : EXIT_CHECK_FAILED;
}

export function register(program: Command): void {
  program
    .command('plan')
    .summary('what a change will do to the traffic: the scenario replayed before and after it')
    .description(
      "Plan a change before making it (CLB's API has no DryRun): replay the scenario's traffic twice with the same\n" +
        'seed — as it is, and with the OpenAPI calls of <change> applied at their `at` (default 0) — and compare the\n' +
        'two runs request by request: shares per group and backend before → after, the requests that move, the\n' +
        'clients remapped in consistent-hash and sticky groups (against the ideal), the requests that change rule or\n' +
        'group per host and path, rules left shadowed or unreachable, groups left without an eligible backend, and the\n' +
        "scenario's expectations checked on the run after the change.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption(
      '--change <file>',
      'the change: a list of OpenAPI events {action, params, at?} (YAML or JSON), or {name, description, events}',
    )
    .option('--format <format>', `output: ${PLAN_FORMATS.join(', ')}`, 'table')
    .option('--seed <seed>', "override the scenario's seed (both runs use it)")
    .option('--requests <n>', "override the scenario's request count")
    .option('--max-moved <fraction>', 'exit 1 when more than this fraction of the requests move, e.g. 0.1')
    .addHelpText(
      'after',
      proseHelp(`
A change CLB would refuse is not applied at all: every rejected call is printed as
file:line:col: CODE message with CLB's error code, and the command exits 2.
Exit codes: 0 ok, 1 an expectation fails after the change or --max-moved is exceeded, 2 bad input.

Examples:
  $ slbsim plan scenarios/seed-case.yaml --change scenarios/changes/seed-case-weights.yaml
  $ slbsim plan scenarios/seed-case.yaml --change scenarios/changes/seed-case-api-v1.yaml --format md
  $ slbsim plan scenarios/tcp-consistent-hash.yaml --change scenarios/changes/tcp-consistent-hash-remove.yaml --max-moved 0.3
  $ slbsim plan scenarios/seed-case.yaml --change scenarios/changes/seed-case-weights.yaml --format json | jq .moved
  $ slbsim route scenarios/seed-case.yaml --change scenarios/changes/seed-case-api-v1.yaml --at 10s \\
      --listener lb-seed:http:80 --host api.example.com --path /v1/items`),
    )
    .action(action(plan));
}
