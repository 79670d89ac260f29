/** `slbsim export nginx` — an nginx configuration equivalent to the topology at one instant. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AddressMapError, readAddressMap } from '../../live/address-map.js';
import { exportNginx, NginxExportError } from '../../live/nginx-export.js';
import { stateAt } from '../../scenario/fold-at.js';
import { parseDuration } from '../../util/duration.js';
import { UserError } from '../../util/user-error.js';
import { action, diagnosticsError } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked } from '../run-pipeline.js';

interface ExportNginxOptions {
  at?: string;
  backends?: string;
  listenPortOffset?: string;
  out?: string;
}

export function register(program: Command): void {
  const exportCmd = program
    .command('export')
    .summary("write the topology as another tool's configuration (nginx)")
    .description(
      "Write the topology in another tool's configuration language, to hold a real load balancer against the model.",
    )
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim export nginx scenarios/seed-case.yaml
  $ slbsim export nginx scenarios/seed-case.yaml --backends map.json --listen-port-offset 20000 --out nginx.conf`),
    );
  exportCmd
    .command('nginx')
    .summary('an nginx configuration equivalent to the topology')
    .description(
      "An nginx configuration equivalent to the topology: a server block per rule domain (exact and *. wildcard), a location per rule URL, an upstream per server group with its weights (weight 0 = down), the listener's VServer group and the default pool as fallbacks; worker_processes 1, 127.0.0.1 only. What nginx cannot express (cookie stickiness, active health checks, layer 4) is written as comments; see docs/LIVE.md.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option(
      '--at <time>',
      'the topology after the events at or before this time (default 0: the initial topology)',
    )
    .option(
      '--backends <map.json>',
      'real backend addresses written by `slbsim live --backends-only --map-out` (default: each ECS PrivateIpAddress)',
    )
    .option('--listen-port-offset <n>', 'nginx listens on ListenerPort + n (default 0)')
    .option('--out <file>', 'write the configuration here instead of stdout')
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim export nginx scenarios/seed-case.yaml
  $ slbsim live scenarios/seed-case.yaml --backends-only --map-out map.json &
  $ slbsim export nginx scenarios/seed-case.yaml --backends map.json --listen-port-offset 20000 --out nginx.conf
  $ nginx -p "$PWD" -c "$PWD/nginx.conf" -e stderr -g 'daemon off;' &
  $ slbsim probe scenarios/seed-case.yaml --target http://127.0.0.1:20080 --listener lb-seed:http:80`),
    )
    .action(action(exportNginxCommand));
}

function exportNginxCommand(file: string, opts: ExportNginxOptions): number {
  let at = 0;
  if (opts.at !== undefined) {
    const parsed = parseDuration(opts.at);
    if (parsed === undefined)
      throw new UserError([`--at: expected a duration such as 30s or 500ms, got "${opts.at}"`]);
    at = parsed;
  }
  let offset = 0;
  if (opts.listenPortOffset !== undefined) {
    offset = Number(opts.listenPortOffset);
    if (!Number.isInteger(offset) || offset < 0 || offset > 65534)
      throw new UserError([
        `--listen-port-offset: expected an integer 0–65534, got "${opts.listenPortOffset}"`,
      ]);
  }
  const scenario = loadChecked(file, {});
  const { state, diagnostics } = stateAt(scenario, at);
  if (diagnostics.length > 0) throw diagnosticsError(diagnostics);
  let backends: ReturnType<typeof readAddressMap> | undefined;
  try {
    backends = opts.backends === undefined ? undefined : readAddressMap(opts.backends);
  } catch (err) {
    if (err instanceof AddressMapError) throw new UserError([`--backends: ${err.message}`]);
    throw err;
  }
  let result: ReturnType<typeof exportNginx>;
  try {
    result = exportNginx(state, {
      backends,
      listenPortOffset: offset,
      ruleMatching: scenario.simulation.ruleMatching,
      urlMatching: scenario.simulation.urlMatching,
      source: `${file}${opts.at === undefined ? '' : ` at ${opts.at}`}, seed ${scenario.seed}`,
    });
  } catch (err) {
    if (err instanceof NginxExportError) throw new UserError(err.problems.map((p) => `export nginx: ${p}`));
    throw err;
  }
  for (const [key, port] of result.listeners) process.stderr.write(`${key} → nginx on 127.0.0.1:${port}\n`);
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  if (opts.out === undefined) process.stdout.write(result.config);
  else {
    try {
      writeFileSync(opts.out, result.config);
    } catch (err) {
      throw new UserError([
        `--out: cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? err})`,
      ]);
    }
    process.stderr.write(`wrote ${opts.out}\n`);
  }
  return 0;
}
