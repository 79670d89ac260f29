/** `slbsim probe` — drive any load balancer with the scenario's requests and compare with the model. */
import type { Command } from 'commander';
import { ProbeOptionsError, probe, renderProbe } from '../../live/probe.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../util/user-error.js';
import { action, positiveInt, seedOption } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked } from '../run-pipeline.js';

interface ProbeCliOptions {
  target: string;
  listener?: string;
  amount: string;
  connections: string;
  rate?: string;
  seed?: string;
  maxDiff: string;
  format: string;
}

export function register(program: Command): void {
  program
    .command('probe')
    .summary("drive a real load balancer with the scenario's requests and compare with the model")
    .description(
      "Send the scenario's requests for one listener to a real load balancer and report where they went (from the X-Backend header the live backends stamp), compared with the simulation of the same requests.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--target <url>', 'the load balancer, e.g. http://127.0.0.1:20080')
    .option(
      '--listener <key>',
      'whose requests to send, <LoadBalancerId>:<protocol>:<port> (default: the only HTTP listener of the mix)',
    )
    .option('--amount <n>', 'requests to send', '1000')
    .option('--connections <n>', 'concurrent connections (1 keeps the order exact)', '1')
    .option('--rate <r>', 'requests per second (default: as fast as the connections go)')
    .option('--seed <seed>', "override the scenario's seed")
    .option('--max-diff <x>', 'fail when a backend share differs from the model by more than x', '0.01')
    .option('--format <format>', 'table, md or json', 'table')
    .addHelpText(
      'after',
      proseHelp(`
Exit codes: 0 the target follows the model, 1 a share differs by more than --max-diff, 2 bad input.

Examples:
  $ slbsim live scenarios/seed-case.yaml --backends-only --map-out map.json &
  $ slbsim export nginx scenarios/seed-case.yaml --backends map.json --listen-port-offset 20000 --out nginx.conf
  $ nginx -p "$PWD" -c "$PWD/nginx.conf" -e stderr -g 'daemon off;' &
  $ slbsim probe scenarios/seed-case.yaml --target http://127.0.0.1:20080 --listener lb-seed:http:80 --amount 8000`),
    )
    .action(action(probeCommand));
}

async function probeCommand(file: string, opts: ProbeCliOptions): Promise<number> {
  if (!['table', 'md', 'json'].includes(opts.format))
    throw new UserError([`--format: expected table, md or json, got "${opts.format}"`]);
  let url: URL;
  try {
    url = new URL(opts.target);
  } catch {
    throw new UserError([`--target: expected a URL such as http://127.0.0.1:8080, got "${opts.target}"`]);
  }
  if (url.protocol !== 'http:')
    throw new UserError([`--target: only http:// targets are supported, got "${opts.target}"`]);
  const amount = positiveInt('--amount')(opts.amount);
  const connections = positiveInt('--connections')(opts.connections);
  const rate = opts.rate === undefined ? undefined : positiveInt('--rate')(opts.rate);
  const maxDiff = Number(opts.maxDiff);
  if (!(maxDiff >= 0 && maxDiff <= 1))
    throw new UserError([`--max-diff: expected a number in 0–1, got "${opts.maxDiff}"`]);
  const seed = seedOption(opts.seed);
  const scenario = loadChecked(file, { seed });
  let result: Awaited<ReturnType<typeof probe>>;
  try {
    result = await probe({
      scenario,
      target: url.origin,
      listener: opts.listener,
      amount,
      connections,
      rate,
      seed,
      maxDiff,
    });
  } catch (err) {
    if (err instanceof ProbeOptionsError) throw new UserError([err.message]);
    throw err;
  }
  const a = result.load.accounting;
  if (a.completed === 0 && a.sent > 0)
    throw new UserError([
      `${opts.target}: no response to any of ${a.sent} requests (is the load balancer running?)`,
    ]);
  if (opts.format === 'json') {
    const { model: _model, load, ...rest } = result;
    const json = {
      ...rest,
      load: {
        ...load,
        clientCounts: Object.fromEntries(load.clientCounts),
        unattributed: Object.fromEntries(load.unattributed),
        statusCounts: Object.fromEntries(load.statusCounts),
        skipped: Object.fromEntries(load.skipped),
      },
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else process.stdout.write(renderProbe(result, opts.format === 'md'));
  return result.compare.passed ? EXIT_OK : EXIT_CHECK_FAILED;
}
