/**
 * A live world for proxy tests: backends for every (ECS, port), a balancer on the given topology,
 * one listener proxy, the health checker (not started), and a journal collected in memory.
 */
import http from 'node:http';
import type { JournalBatch, JournalSink } from '../../src/journal/journal-batch.js';
import { journalObserver } from '../../src/journal/journal-observer.js';
import {
  type ControlEntry,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_CONTROL,
  ROW_ROUTED,
} from '../../src/journal/journal-rows.js';
import { LiveClock } from '../../src/live/clock.js';
import { HealthChecker } from '../../src/live/health-checker.js';
import { JournalSequencer } from '../../src/live/journal-sequencer.js';
import { BackendFleet, type BackendSpec } from '../../src/live/live-backends.js';
import { ListenerProxy, ProxyStats } from '../../src/live/proxy.js';
import { LiveTemplates } from '../../src/live/templates.js';
import { UpstreamDirectory } from '../../src/live/upstream-directory.js';
import { Balancer } from '../../src/routing/balancer.js';
import type { TopologyState } from '../../src/topology/types.js';
import { SERVE_ALL } from './fixtures.js';

export interface Row {
  id: number;
  outcome: number;
  backend: number;
  scope: number;
  attempts: number;
  flags: number;
}

export class Collected implements JournalSink {
  routed: Row[] = [];
  completed: Array<{ id: number; latency: number }> = [];
  /** Failed attempts with their position in the row order (`at`) and the backend. */
  attemptsFailed: Array<{ id: number; backend: number; at: number }> = [];
  control: ControlEntry[] = [];
  /** Every request row id in order: routed rows as `r<id>`, failed attempts as `a<id>`. */
  order: string[] = [];
  onBatch(b: JournalBatch): void {
    for (let i = 0; i < b.n; i++) {
      if (b.kind[i] === ROW_ATTEMPT_FAILED) {
        this.attemptsFailed.push({ id: b.id[i], backend: b.backend[i], at: this.order.length });
        this.order.push(`a${b.id[i]}`);
      } else if (b.kind[i] === ROW_ROUTED) {
        this.order.push(`r${b.id[i]}`);
        this.routed.push({
          id: b.id[i],
          outcome: b.outcome[i],
          backend: b.backend[i],
          scope: b.scope[i],
          attempts: b.attempts[i],
          flags: b.flags[i],
        });
      } else if (b.kind[i] === ROW_COMPLETED) this.completed.push({ id: b.id[i], latency: b.latency[i] });
      else if (b.kind[i] === ROW_CONTROL) this.control.push(b.control[i]!);
    }
  }
}

export interface World {
  fleet: BackendFleet;
  balancer: Balancer;
  proxy: ListenerProxy;
  health: HealthChecker;
  stats: ProxyStats;
  journal: JournalSequencer;
  rows: Collected;
  clock: LiveClock;
  directory: UpstreamDirectory;
  url: string;
  close(): Promise<void>;
}

export async function world(
  state: TopologyState,
  opts: { backends?: BackendSpec[]; scale?: number; listener?: string } = {},
): Promise<World> {
  const fleet = await BackendFleet.start(opts.backends ?? SERVE_ALL);
  const rows = new Collected();
  const journal = new JournalSequencer([rows]);
  const clock = new LiveClock(opts.scale ?? 1);
  const balancer = new Balancer(state, {
    seed: '0',
    cluster: { nodes: 1, workers: 1 },
    ruleMatching: 'domain-first',
    l4Order: 'kernel',
    observer: journalObserver(
      (e) => journal.control(e),
      () => clock.now(),
    ),
  });
  const resolvePort = (ServerId: string, Port: number) => {
    const i = fleet.indexOf(`${ServerId}:${Port}`);
    return i < 0 ? undefined : fleet.backends[i].port;
  };
  const directory = new UpstreamDirectory(balancer, resolvePort);
  fleet.watch((i, port) => directory.moved(fleet.backends[i].ServerId, fleet.backends[i].Port, port));
  const stats = new ProxyStats();
  const templates = new LiveTemplates(balancer, journal, clock);
  const proxy = new ListenerProxy(
    { balancer, directory, clock, journal, templates, stats, nextId: 0 },
    opts.listener ?? 'lb-live:http:80',
  );
  const health = new HealthChecker(balancer, resolvePort, clock, journal);
  health.sync(state);
  clock.start();
  const port = await proxy.start(0);
  return {
    fleet,
    balancer,
    proxy,
    health,
    stats,
    journal,
    rows,
    clock,
    directory,
    url: `http://127.0.0.1:${port}`,
    async close() {
      health.stop();
      await proxy.stop();
      directory.close();
      await fleet.close();
    },
  };
}

export interface Answer {
  status: number;
  backend: string | undefined;
  setCookie: string[] | undefined;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a single keep-alive connection (so requests are strictly sequential). */
export function request(
  url: string,
  host: string,
  path = '/',
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, path, method, headers: { host, ...headers }, agent },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          data += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            backend: res.headers['x-backend'] as string | undefined,
            setCookie: res.headers['set-cookie'],
            body: data,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Send `n` requests one after another; returns the X-Backend of each. */
export async function sequence(url: string, host: string, n: number, path = '/'): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await request(url, host, path)).backend ?? `status`);
  return out;
}

/** Poll until `cond` holds (no assertion on how long it takes; the test timeout bounds it). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}
