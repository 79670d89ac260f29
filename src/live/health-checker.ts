/**
 * Real health checks for the live proxies, feeding their verdicts to the scope table (the one home
 * of verdicts and eligibility, src/routing/scope-table.ts, which the simulation's fault model feeds
 * too), so detection delays and the requests that fail meanwhile are real rather than modelled.
 *
 * One probe per (check owner, backend): the owner is the listener, or a forwarding rule whose
 * ListenerSync is off with its own health-check settings. A probe checks at the owner's
 * `HealthCheckInterval` (scaled by the run's clock; a check fires every interval whatever the
 * previous one is doing), each on a fresh connection as CLB's checkers do:
 * - HTTP listeners (and TCP listeners with `HealthCheckType: http`): `HEAD <HealthCheckURI>` with
 *   `Host: <HealthCheckDomain>`; success when the status class is in `HealthCheckHttpCode`
 *   (default `http_2xx`);
 * - TCP/UDP listeners otherwise: the TCP connect succeeding.
 * A check fails on refusal, reset, a wrong status, or no answer within the timeout (a stopped ECS
 * never answers, so its checks time out); CLB uses the
 * interval as the timeout when `HealthCheckTimeout` is shorter (clb-semantics.md §5.2). After
 * `UnhealthyThreshold` consecutive failures the backend is marked unhealthy in every scope the
 * owner schedules it in; after `HealthyThreshold` consecutive successes, healthy again. Backends
 * start healthy, as in the simulation. The secondary of a primary/secondary group is not checked.
 * With `HealthCheckConnectPort` set, the check goes to that port of the ECS when a live backend
 * listens there, else to the member's own port.
 */
import net from 'node:net';
import type { Balancer } from '../routing/balancer.js';
import type { ScopeRuntime } from '../routing/scope-table.js';
import type { HealthCheckSettings, Listener, TopologyState } from '../topology/types.js';
import type { LiveClock } from './clock.js';
import type { JournalSequencer } from './journal-sequencer.js';
import { HEALTH_HEADER, LOOPBACK } from './live-backends.js';
import type { PortResolver } from './upstream-directory.js';

export interface CheckSettings {
  readonly kind: 'http' | 'tcp';
  readonly uri: string;
  readonly domain: string;
  /** Accepted status classes, e.g. [2] for http_2xx. */
  readonly codes: readonly number[];
  readonly connectPort: number | undefined;
  /** Seconds. */
  readonly interval: number;
  readonly timeout: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

interface Target {
  scope: number;
  member: number;
}

class Probe {
  targets: Target[] = [];
  healthy = true;
  successes = 0;
  failures = 0;
  timer: NodeJS.Timeout | null = null;
  /** Sequence numbers of checks sent and of the latest one answered. */
  issued = 0;
  answered = 0;
  retired = false;

  constructor(
    readonly key: string,
    public settings: CheckSettings,
    readonly backend: number,
    readonly ServerId: string,
    readonly Port: number,
  ) {}
}

export class HealthChecker {
  private probes = new Map<string, Probe>();
  private started = false;
  /** Checks made and how many failed. */
  checks = 0;
  failedChecks = 0;
  /** Verdict changes (per probe, not per scope). */
  transitions = 0;

  constructor(
    private readonly balancer: Balancer,
    private readonly resolvePort: PortResolver,
    private readonly clock: LiveClock,
    private readonly journal: JournalSequencer | null,
    /** Whether an ECS is stopped: its checks get no answer at all and time out. */
    private readonly unreachable: (ServerId: string) => boolean = () => false,
  ) {}

  /** (Re)build the probes from the balancer's active scopes and the topology; keeps probe state by key. */
  sync(state: TopologyState): void {
    const next = new Map<string, Probe>();
    const table = this.balancer.table;
    for (const s of table.scopes) {
      if (!s.active || !s.spec.health.on) continue;
      const { owner, settings } = checkSettings(s, state);
      for (let m = 0; m < s.backends.length; m++) {
        if (!table.isChecked(s, m)) continue;
        const backend = s.backends[m];
        const info = table.backends[backend];
        const key = `${owner}|${info.key}`;
        let probe = next.get(key);
        if (probe === undefined) {
          probe = this.probes.get(key);
          if (probe === undefined) {
            probe = new Probe(key, settings, backend, info.ServerId, info.Port);
            probe.healthy = table.verdict(s.index, m);
          } else {
            probe.settings = settings;
            probe.targets = [];
          }
          next.set(key, probe);
        }
        probe.targets.push({ scope: s.index, member: m });
      }
    }
    for (const [key, probe] of this.probes) {
      if (next.has(key)) continue;
      probe.retired = true;
      if (probe.timer) clearTimeout(probe.timer);
    }
    this.probes = next;
    if (this.started) for (const p of next.values()) if (p.timer === null) this.schedule(p);
  }

  /** Start checking: the first check of each probe one interval after now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const p of this.probes.values()) this.schedule(p);
  }

  stop(): void {
    this.started = false;
    for (const p of this.probes.values()) {
      p.retired = true;
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
    }
  }

  get probeCount(): number {
    return this.probes.size;
  }

  /** The probe's current verdict (tests and reports). */
  verdict(owner: string, backendKey: string): boolean | undefined {
    return this.probes.get(`${owner}|${backendKey}`)?.healthy;
  }

  /** Checks fire every interval, whether or not the previous one has answered (each has its own timeout). */
  private schedule(p: Probe): void {
    p.timer = setTimeout(() => this.tick(p), this.clock.secondsToMs(p.settings.interval));
    p.timer.unref();
  }

  private tick(p: Probe): void {
    p.timer = null;
    if (p.retired || !this.started) return;
    this.schedule(p);
    this.check(p);
  }

  private check(p: Probe): void {
    const s = p.settings;
    const seq = ++p.issued;
    let port: number | undefined;
    if (s.connectPort !== undefined) port = this.resolvePort(p.ServerId, s.connectPort);
    port ??= this.resolvePort(p.ServerId, p.Port);
    const timeoutMs = this.clock.secondsToMs(Math.max(s.timeout, s.interval));
    const finish = (ok: boolean) => {
      // A check that answers after a later one already did is stale.
      if (p.retired || !this.started || seq < p.answered) return;
      p.answered = seq;
      this.verdictOf(p, ok);
    };
    if (port === undefined) {
      finish(false);
      return;
    }
    if (this.unreachable(p.ServerId)) {
      setTimeout(finish, timeoutMs, false).unref();
      return;
    }
    runCheck(port, s, timeoutMs, finish);
  }

  private verdictOf(p: Probe, ok: boolean): void {
    this.checks++;
    if (ok) {
      p.failures = 0;
      p.successes++;
      if (!p.healthy && p.successes >= p.settings.healthyThreshold) this.flip(p, true);
    } else {
      this.failedChecks++;
      p.successes = 0;
      p.failures++;
      if (p.healthy && p.failures >= p.settings.unhealthyThreshold) this.flip(p, false);
    }
  }

  private flip(p: Probe, healthy: boolean): void {
    p.healthy = healthy;
    this.transitions++;
    const t = this.clock.now();
    const table = this.balancer.table;
    for (const { scope, member } of p.targets) {
      if (!table.holds(scope, member, p.backend)) continue;
      this.journal?.control({ type: 'HealthChanged', t, scope, backend: p.backend, healthy });
      table.setHealth(scope, member, healthy);
    }
  }
}

/** One check on a fresh connection; calls `done(ok)` exactly once. */
function runCheck(port: number, s: CheckSettings, timeoutMs: number, done: (ok: boolean) => void): void {
  let settled = false;
  const socket = net.connect({ port, host: LOOPBACK });
  const settle = (ok: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.destroy();
    done(ok);
  };
  const timer = setTimeout(() => settle(false), timeoutMs);
  timer.unref();
  socket.on('error', () => settle(false));
  socket.on('close', () => settle(false));
  socket.on('connect', () => {
    if (s.kind === 'tcp') {
      settle(true);
      return;
    }
    socket.write(
      `HEAD ${s.uri} HTTP/1.1\r\nHost: ${s.domain}\r\nUser-Agent: slbsim-health-check\r\n${HEALTH_HEADER}: 1\r\nConnection: close\r\n\r\n`,
    );
  });
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    const eol = buffered.indexOf('\r\n');
    if (eol < 0 && buffered.length < 1024) return;
    const m = /^HTTP\/\d\.\d (\d)\d\d/.exec(buffered);
    settle(m !== null && s.codes.includes(Number(m[1])));
  });
}

/**
 * The check a scope's members get and who runs it: the scope's rule when the rule brings its own
 * health check (ListenerSync off with HealthCheck set), else its listener.
 */
export function checkSettings(
  s: ScopeRuntime,
  state: TopologyState,
): { owner: string; settings: CheckSettings } {
  const spec = s.spec;
  const listener = findListener(state, spec.listenerKey);
  const rule =
    spec.rule === null || listener === undefined
      ? undefined
      : listener.Rules.find(
          (r) => r.RuleId === spec.rule?.RuleId && r.ListenerSync === 'off' && r.HealthCheck !== undefined,
        );
  const base: Partial<HealthCheckSettings> = listener ?? {};
  const uri = rule?.HealthCheckURI ?? base.HealthCheckURI ?? '/';
  const domain = rule?.HealthCheckDomain ?? base.HealthCheckDomain ?? LOOPBACK;
  const codesText = rule?.HealthCheckHttpCode ?? base.HealthCheckHttpCode ?? 'http_2xx';
  const connectPort = rule?.HealthCheckConnectPort ?? base.HealthCheckConnectPort;
  const kind = spec.layer === 7 || base.HealthCheckType === 'http' ? 'http' : 'tcp';
  return {
    owner: rule === undefined ? spec.listenerKey : `${spec.listenerKey}/rule/${rule.RuleId}`,
    settings: {
      kind,
      uri: uri === '' ? '/' : uri,
      domain: domain === '' ? LOOPBACK : domain,
      codes: parseCodes(codesText),
      connectPort,
      interval: spec.health.interval,
      timeout: spec.health.timeout,
      healthyThreshold: spec.health.healthyThreshold,
      unhealthyThreshold: spec.health.unhealthyThreshold,
    },
  };
}

/** `http_2xx,http_3xx` → [2, 3]. */
export function parseCodes(text: string): number[] {
  const codes: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*http_(\d)xx\s*$/i.exec(part);
    if (m) codes.push(Number(m[1]));
  }
  return codes.length > 0 ? codes : [2];
}

function findListener(state: TopologyState, key: string): Listener | undefined {
  for (const lb of state.LoadBalancers) {
    for (const l of lb.Listeners) {
      if (`${lb.LoadBalancerId}:${l.ListenerProtocol}:${l.ListenerPort}` === key) return l;
    }
  }
  return undefined;
}
