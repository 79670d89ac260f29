import type { Command } from 'commander';
import pc from 'picocolors';
import { worldAt } from '../../engine/simulation.js';
import { type Decision, explain } from '../../routing/explain.js';
import { DEFAULT_CLIENTS } from '../../scenario/traffic-defaults.js';
import { parseDuration } from '../../util/duration.js';
import { ipToNumber } from '../../util/ip.js';
import { UserError } from '../../util/user-error.js';
import { action, seedOption } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked, withUrlMatching } from '../run-pipeline.js';
import { withChangeFile } from './plan-command.js';

/** The client `--client` defaults to: the first address of the scenario's default client population. */
const DEFAULT_CLIENT = `${DEFAULT_CLIENTS.firstIp}:${DEFAULT_CLIENTS.firstPort}`;

interface RouteOptions {
  listener: string;
  host: string;
  path: string;
  client: string;
  cookie: string[];
  at: string;
  seed?: string;
  urlMatching?: string;
  json?: boolean;
  change?: string;
}

/** `slbsim route` — explain one routing decision step by step. */
export function register(program: Command): void {
  program
    .command('route')
    .summary('explain where one request goes, and why')
    .description(
      'Explain one routing decision: the rules considered and why each won or lost, the server group and where it\n' +
        "came from, each backend's weight and eligibility, and the pick (the first pick of a fresh scheduler in exact\n" +
        'mode). The topology and health are those of the scenario at --at (timeline events and faults included).',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--listener <id>', 'listener as <LoadBalancerId>:<protocol>:<port>, e.g. lb-seed:http:80')
    .option('--host <host>', 'Host header (layer 7)', '')
    .option('--path <path>', 'request path, query allowed (layer 7)', '/')
    .option('--client <ip:port>', 'client source address', DEFAULT_CLIENT)
    .option('--cookie <k=v>', 'a cookie the client sends (repeatable)', collect, [])
    .option('--at <time>', 'simulated time: 30s, 500ms, 2m', '0')
    .option('--seed <seed>', "override the scenario's seed")
    .option(
      '--url-matching <mode>',
      "override the scenario's simulation.urlMatching: normalized (as Tengine) or raw",
    )
    .option('--json', 'print the decision object as JSON')
    .option('--change <file>', 'apply a change file first (as `slbsim plan` does; rejected: exit 2)')
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim route scenarios/seed-case.yaml --listener lb-seed:http:80 --host api.example.com --path /v1/items
  $ slbsim route scenarios/seed-case.yaml --listener lb-seed:http:80 --host www.example.com --json
  $ slbsim route scenarios/backend-failure.yaml --listener lb-fail:http:80 --host shop.example.com --at 20s
  $ slbsim route scenarios/sticky-few-clients.yaml --listener lb-sticky:http:80 --cookie SERVERID=<value>
  $ slbsim route scenarios/seed-case.yaml --listener lb-seed:http:80 --host API.example.com --path '/x/../%761/items'
  $ slbsim route scenarios/seed-case.yaml --listener lb-seed:http:80 --path '/../etc'   # 400, as Tengine`),
    )
    .action(action(routeAction));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function routeAction(file: string, opts: RouteOptions): number {
  const at = parseDuration(opts.at);
  if (at === undefined)
    throw new UserError([`--at: expected a duration like 30s, 500ms or 2m, got "${opts.at}"`]);
  if (!/^[^:]+:(http|https|tcp|udp):\d+$/.test(opts.listener))
    throw new UserError([`--listener: expected <LoadBalancerId>:<protocol>:<port>, got "${opts.listener}"`]);
  const [ip, port] = opts.client.split(':');
  const clientIp = ipToNumber(ip);
  const clientPort = Number(port);
  if (clientIp === undefined || !Number.isInteger(clientPort) || clientPort < 1 || clientPort > 65535)
    throw new UserError([
      `--client: expected an IPv4 address and port like ${DEFAULT_CLIENT}, got "${opts.client}"`,
    ]);
  const cookies: Record<string, string> = {};
  for (const c of opts.cookie) {
    const eq = c.indexOf('=');
    if (eq <= 0) throw new UserError([`--cookie: expected name=value, got "${c}"`]);
    cookies[c.slice(0, eq)] = c.slice(eq + 1);
  }
  const seed = seedOption(opts.seed);
  const scenario = withUrlMatching(
    withChangeFile(loadChecked(file, { seed }), opts.change),
    opts.urlMatching,
  );
  const world = worldAt(scenario, at, seed);
  const known = world.balancer.topology.listeners.has(opts.listener);
  const decision = explain(world.balancer, world.health, {
    listener: opts.listener,
    host: opts.host,
    path: opts.path,
    clientIp,
    clientPort,
    cookies,
    now: at,
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ seed: world.seed, at, ...decision }, null, 2)}\n`);
  } else {
    process.stdout.write(renderDecision(decision, world.seed, opts.at, process.stdout.isTTY === true));
    if (!known) {
      const listeners = [...world.balancer.topology.listeners.keys()].join(', ');
      process.stdout.write(`(listeners in this scenario: ${listeners || 'none'})\n`);
    }
  }
  return 0;
}

function renderDecision(d: Decision, seed: string, at: string, color: boolean): string {
  const c = color
    ? pc
    : { bold: (s: string) => s, green: (s: string) => s, red: (s: string) => s, dim: (s: string) => s };
  const lines: string[] = [];
  lines.push(
    c.bold(`${d.listener}  Host: ${d.host || '(none)'}  Path: ${d.path}`) +
      c.dim(`  (seed ${seed}, at ${at})`),
  );
  if (d.normalization.length > 0 || d.normalizedPath === null || d.normalizedHost === null) {
    lines.push('', c.bold(`Normalization (URL matching ${d.urlMatching}, as Tengine)`));
    for (const s of d.normalization) lines.push(`  ${s}`);
    lines.push(
      `  the rules see: Host ${d.normalizedHost === null ? c.red('invalid (400)') : d.normalizedHost || '(none)'}  Path ${d.normalizedPath === null ? c.red('invalid (400)') : d.normalizedPath}`,
    );
  }
  if (d.rulesConsidered.length > 0) {
    lines.push('', c.bold('Rules'));
    for (const r of d.rulesConsidered) {
      const tag = r.result === 'matched' ? c.green('match') : r.result === 'lost' ? 'lost ' : c.dim('miss ');
      const what = [r.Domain, r.Url].filter(Boolean).join(' ');
      lines.push(`  ${tag}  ${r.RuleName} (${r.RuleId}) ${what} — ${r.reason}`);
    }
  }
  if (d.source !== null) {
    lines.push(
      '',
      c.bold(
        `Group: ${d.VServerGroupId ?? d.MasterSlaveServerGroupId ?? 'default server group'} (${d.groupName}) via ${d.source}`,
      ),
    );
    lines.push(`  scheduler ${d.scheduler}, session persistence ${d.sticky}`);
    for (const b of d.backends) {
      const mark =
        d.backend && b.ServerId === d.backend.ServerId && b.Port === d.backend.Port ? c.green('→') : ' ';
      const state = b.eligible ? b.reason : c.red(b.reason);
      lines.push(`  ${mark} ${b.ServerId}:${b.Port}  weight ${b.Weight}  ${state}`);
    }
  }
  lines.push('', c.bold('Steps'));
  d.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s}`);
  });
  const verdict =
    d.backend !== null
      ? c.green(`→ ${d.backend.ServerId}:${d.backend.Port}${d.httpStatus ? ` (HTTP ${d.httpStatus})` : ''}`)
      : c.red(`✗ ${d.status}${d.httpStatus ? ` (HTTP ${d.httpStatus})` : ''}`);
  lines.push('', verdict, '');
  return lines.join('\n');
}
