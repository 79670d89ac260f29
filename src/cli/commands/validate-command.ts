/** `slbsim validate` — load a scenario, fold every event, and report every problem or a summary. */
import type { Command } from 'commander';
import { checkScenario } from '../../scenario/check.js';
import { stateAt } from '../../scenario/fold-at.js';
import { loadScenario } from '../../scenario/load.js';
import { summarize } from '../../scenario/summary.js';
import { EXIT_OK } from '../../util/user-error.js';
import { action, diagnosticsError } from '../command-action.js';
import { proseHelp } from '../help-text.js';

export function validate(file: string): number {
  const loaded = loadScenario(file);
  if (!loaded.ok) throw diagnosticsError(loaded.diagnostics);
  const problems = checkScenario(loaded.scenario);
  if (problems.length > 0) throw diagnosticsError(problems);
  process.stdout.write(`${summarize(file, loaded.scenario, stateAt(loaded.scenario, 0).state)}\n`);
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command('validate')
    .summary('check a scenario: every problem as file:line:col: CODE message, or a one-line summary')
    .description(
      'Check a scenario file: YAML/JSON syntax, the schema, references (listeners, groups, servers, rules), and ' +
        "every OpenAPI event folded in order — timeline included — with CLB's own error codes. Prints a one-line " +
        'summary (the topology at time 0, the events, the traffic, the seed), or every problem as ' +
        'file:line:col: CODE message.',
    )
    .argument('<scenario>', 'scenario file (YAML, or JSON when it ends in .json)')
    .addHelpText(
      'after',
      proseHelp(`
Exit codes: 0 valid, 2 problems found (each printed on stderr).

Examples:
  $ slbsim validate scenarios/seed-case.yaml
  scenarios/seed-case.yaml: valid — seed-case: 1 load balancer, 2 listeners, 2 VServer groups, 1 rule, …
  $ slbsim validate broken.yaml
  broken.yaml:14:51: SchemaError topology.loadBalancers[0].vServerGroups[0].servers[0].weight: expected an integer 0–100, got 150
  broken.yaml:31:9: InvalidVServerGroupId.NotFound CreateRules rejected: …`),
    )
    .action(action(validate));
}
