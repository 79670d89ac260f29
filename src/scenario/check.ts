/**
 * `checkScenario`: everything `validate` checks beyond loading — the whole fold (timeline
 * included: a rejected event at 45s is as wrong as one at 0) and, for trace replays, every row of
 * the trace (syntax, order, and listeners the scenario defines). Returns all problems in file order.
 */

import { stateAt } from './fold-at.js';
import { sortDiagnostics } from './issues.js';
import { indexReferences } from './references.js';
import type { Diagnostic, Scenario } from './scenario-model.js';
import { readTrace, TraceError, traceDisplayPath } from './trace.js';

/** At most this many trace problems are listed (then one summary line). */
const TRACE_LIMIT = 50;

function traceProblems(scenario: Scenario): Diagnostic[] {
  const spec = scenario.traffic?.trace;
  if (!spec) return [];
  const { listeners } = indexReferences(scenario.events);
  const problems: Diagnostic[] = [];
  let more = 0;
  const add = (d: Diagnostic) => {
    if (problems.length < TRACE_LIMIT) problems.push(d);
    else more++;
  };
  try {
    for (const row of readTrace(spec, { onProblem: add }))
      if (!listeners.has(row.listener))
        add({
          file: traceDisplayPath(spec.file),
          line: row.line,
          col: 1,
          code: 'UnknownListener',
          message: `listener ${row.listener} is not defined by the scenario`,
        });
  } catch (err) {
    if (err instanceof TraceError) add(err.diagnostic);
    else throw err;
  }
  if (more > 0) {
    const last = problems[problems.length - 1];
    problems.push({ ...last, code: 'TraceRow', message: `… and ${more} more problems in this trace` });
  }
  return problems;
}

/** Every problem of a loaded scenario: rejected events (with CLB codes) and trace rows. */
export function checkScenario(scenario: Scenario): Diagnostic[] {
  return sortDiagnostics([...stateAt(scenario).diagnostics, ...traceProblems(scenario)]);
}
