/** `slbsim state` — the topology a scenario describes at a time: a tree, or the Describe-shaped JSON. */
import type { Command } from 'commander';
import { stateAt } from '../../scenario/fold-at.js';
import { loadScenario } from '../../scenario/load.js';
import { describeState } from '../../topology/describe.js';
import { renderTree } from '../../topology/tree.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import { EXIT_OK, EXIT_USAGE, UserError } from '../../util/user-error.js';
import { action, diagnosticsError, formatDiagnostic } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { withChangeFile } from './plan-command.js';

export interface StateOptions {
  at?: string;
  json?: boolean;
  change?: string;
}

export function state(file: string, opts: StateOptions): number {
  const at = opts.at === undefined ? 0 : parseDuration(opts.at);
  if (at === undefined)
    throw new UserError([
      `--at: expected a time such as 0, 500ms, 30s or 2m, got ${JSON.stringify(opts.at)}`,
    ]);
  const loaded = loadScenario(file);
  if (!loaded.ok) throw diagnosticsError(loaded.diagnostics);
  const scenario = withChangeFile(loaded.scenario, opts.change);
  const result = stateAt(scenario, at);
  if (opts.json) process.stdout.write(`${JSON.stringify(describeState(result.state), null, 2)}\n`);
  else {
    const later = result.later > 0 ? ` (${result.later} later: use --at)` : '';
    process.stdout.write(
      `# ${loaded.scenario.name}${opts.change ? ` with ${opts.change}` : ''} at ${formatDuration(at)}: ${result.folded} of ${scenario.events.length} events${later}\n`,
    );
    process.stdout.write(renderTree(result.state));
  }
  // The state is still shown; the rejected events make it a failure.
  if (result.diagnostics.length > 0) {
    process.stderr.write(`${result.diagnostics.map(formatDiagnostic).join('\n')}\n`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command('state')
    .summary('the topology at a time: a tree, or Describe-shaped JSON')
    .description(
      'Show the topology of a scenario after its events with at ≤ <time> (default 0: the initial topology). ' +
        'Default: a readable tree. --json: {"LoadBalancers":[…]} shaped like DescribeLoadBalancerAttribute, ' +
        "DescribeVServerGroupAttribute and Describe…ListenerAttribute, with the API's casing (diff it against the cloud).",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--at <time>', 'scenario time: 0, 500ms, 30s, 2m, … (a bare number is seconds)')
    .option('--json', 'print the Describe-shaped JSON instead of the tree')
    .option('--change <file>', 'apply a change file first (as `slbsim plan` does; rejected: exit 2)')
    .addHelpText(
      'after',
      proseHelp(`
Rejected events are printed on stderr (file:line:col: CODE message) and exit with code 2; the state
shown is then the one without them.

Examples:
  $ slbsim state scenarios/seed-case.yaml
  $ slbsim state scenarios/seed-case.yaml --at 30s --json
  $ slbsim state scenarios/seed-case.yaml --change scenarios/changes/seed-case-weights.yaml
  $ slbsim state scenarios/seed-case.yaml --json | jq '.LoadBalancers[0].VServerGroups'`),
    )
    .action(action(state));
}
