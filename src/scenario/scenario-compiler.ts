/**
 * A schema-valid scenario file → the `Scenario` model: the inventory, the declarative topology,
 * the raw events and the timeline become one list of positioned OpenAPI events (stable by time);
 * durations become µs; defaults are filled in; and every cross-reference (a listener in the mix,
 * a group in the service times, a server in a fault, a rule in an expectation) is checked against
 * what the events create, each miss a Diagnostic at the referring node.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ActionParams } from '../topology/events.js';
import { suggest } from '../topology/params.js';
import { parseDuration } from '../util/duration.js';
import { ipToNumber } from '../util/ip.js';
import { compileTopology, type NetworkTypes } from './declarative.js';
import { indexReferences, type ReferenceIndex } from './references.js';
import type {
  ClientModel,
  ClusterShape,
  Diagnostic,
  Distribution,
  Expectation,
  FaultEvent,
  Phase,
  RequestTemplate,
  Scenario,
  ScheduledEvent,
  ServiceModel,
  SimulationOptions,
  SourcePos,
  TraceSpec,
  Traffic,
} from './scenario-model.js';
import {
  type ClusterData,
  type DistributionData,
  MAX_REQUESTS_PER_RUN,
  type RawEventData,
  type ScenarioFileData,
  type TrafficData,
} from './schema.js';
import { formatPath, type Path, type SourceMap } from './source.js';
import { traceFormatOf } from './trace.js';
import { DEFAULT_CLIENTS } from './traffic-defaults.js';

export interface CompileOverrides {
  readonly seed?: string;
  readonly requests?: number;
}

export const DEFAULT_SEED = '0';
export const DEFAULT_TOLERANCE = 0.02;
const MAX_NODES = 1024;
const MAX_WORKERS = 64;

/**
 * The simulation horizon: every time and duration, and the traffic's phases together, at most
 * 1 000 000 000 s (about 31.7 years, 10^15 µs) — far inside the exact integers of a double.
 */
export const HORIZON_US = 1e15;
/** The most requests one run may send (traffic.requests, --requests, or what the phases send). */
export const MAX_REQUESTS = MAX_REQUESTS_PER_RUN;
/** The most OpenAPI events a scenario may compile to (the fold checks every one in order). */
export const MAX_EVENTS = 10_000;

/** A duration the schema has already accepted. */
function us(value: string | number): number {
  return parseDuration(value) ?? 0;
}

/** The expected number of requests of a phase (as the engine's progress counts them). */
function phaseRequests(p: Phase): number {
  if (p.pause) return 0;
  if (p.arrivalCount !== undefined) return p.arrivalCount;
  return (((p.arrivalRate ?? 0) + (p.rampTo ?? p.arrivalRate ?? 0)) / 2) * (p.duration / 1_000_000);
}

class Compiler {
  readonly diagnostics: Diagnostic[] = [];
  refs!: ReferenceIndex;

  constructor(
    readonly map: SourceMap,
    readonly absFile: string,
  ) {}

  pos(path: Path): SourcePos {
    return this.map.pos(path);
  }

  /** A duration in µs, refused beyond the horizon. */
  time(value: string | number, path: Path): number {
    const t = us(value);
    if (t > HORIZON_US) {
      this.problem(
        path,
        'BadDuration',
        `${formatPath(path)}: ${typeof value === 'string' ? value.trim() : `${value}s`} is beyond the simulation horizon of ${HORIZON_US / 1_000_000}s (about 31.7 years)`,
      );
      return HORIZON_US;
    }
    return t;
  }

  problem(path: Path, code: string, message: string, atKey = false): void {
    const pos = atKey
      ? this.map.keyPos(path.slice(0, -1), String(path[path.length - 1]))
      : this.map.pos(path);
    this.diagnostics.push({ ...pos, code, message });
  }

  /** A reference that must name one of `known`, with a did-you-mean hint. */
  check(
    path: Path,
    value: string,
    known: Iterable<string>,
    code: string,
    what: string,
    atKey = false,
  ): boolean {
    const all = [...known];
    if (all.includes(value)) return true;
    const hint = suggest(value, all);
    const list =
      all.length === 0
        ? ' (the scenario defines none)'
        : hint
          ? ` (did you mean ${hint}?)`
          : `; known: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', …' : ''}`;
    this.problem(path, code, `${formatPath(path)}: unknown ${what} ${value}${list}`, atKey);
    return false;
  }

  rawEvent(e: RawEventData, at: Path, time: number): ScheduledEvent {
    const paramPos: Record<string, SourcePos> = {};
    for (const [rel, pos] of this.map.positionsUnder([...at, 'params'])) paramPos[rel] = pos;
    return {
      action: e.action,
      params: (e.params ?? {}) as ActionParams,
      at: time,
      pos: this.pos(at),
      field: formatPath(at),
      paramPos,
    };
  }

  events(data: ScenarioFileData): { events: ScheduledEvent[]; faults: FaultEvent[] } {
    const events: ScheduledEvent[] = [];
    const networkTypes = new Map<string, 'vpc' | 'classic'>();
    (data.instances ?? []).forEach((inst, i) => {
      const at: Path = ['instances', i];
      const paramPos: Record<string, SourcePos> = {};
      for (const [rel, pos] of this.map.positionsUnder(at)) paramPos[rel] = pos;
      events.push({
        action: 'CreateInstance',
        params: { ...inst },
        at: 0,
        pos: this.pos(at),
        field: formatPath(at),
        paramPos,
      });
      networkTypes.set(inst.InstanceId, inst.NetworkType ?? (inst.VpcId ? 'vpc' : 'classic'));
    });
    for (const e of data.events ?? [])
      if (e.action === 'CreateInstance') this.noteNetworkType(e.params, networkTypes);
    if (data.topology) {
      const t = compileTopology(data.topology.loadBalancers, this.map, networkTypes as NetworkTypes);
      events.push(...t.events);
      this.diagnostics.push(...t.diagnostics);
    }
    (data.events ?? []).forEach((e, i) => {
      events.push(
        this.rawEvent(e, ['events', i], e.at === undefined ? 0 : this.time(e.at, ['events', i, 'at'])),
      );
    });
    const faults: FaultEvent[] = [];
    (data.timeline ?? []).forEach((item, i) => {
      const at: Path = ['timeline', i];
      if ('fault' in item) {
        const f: FaultEvent = {
          kind: item.fault,
          at: this.time(item.at, [...at, 'at']),
          ServerId: item.ServerId,
          ...(item.Port === undefined ? {} : { Port: item.Port }),
          pos: this.pos(at),
          field: formatPath(at),
        };
        faults.push(f);
      } else events.push(this.rawEvent(item, at, this.time(item.at, [...at, 'at'])));
    });
    // Stable: equal times keep file order (inventory, topology, events, timeline).
    const order = events.map((e, i) => ({ e, i }));
    order.sort((a, b) => a.e.at - b.e.at || a.i - b.i);
    const fOrder = faults.map((f, i) => ({ f, i }));
    fOrder.sort((a, b) => a.f.at - b.f.at || a.i - b.i);
    return { events: order.map((x) => x.e), faults: fOrder.map((x) => x.f) };
  }

  private noteNetworkType(
    params: Record<string, unknown> | undefined,
    into: Map<string, 'vpc' | 'classic'>,
  ): void {
    if (!params || typeof params.InstanceId !== 'string') return;
    const nt = params.NetworkType;
    into.set(params.InstanceId, nt === 'vpc' || nt === 'classic' ? nt : params.VpcId ? 'vpc' : 'classic');
  }

  faults(data: ScenarioFileData): void {
    (data.timeline ?? []).forEach((item, i) => {
      if (!('fault' in item)) return;
      const known = this.check(
        ['timeline', i, 'ServerId'],
        item.ServerId,
        this.refs.servers,
        'UnknownBackend',
        'server',
      );
      if (!known || item.Port === undefined) return;
      const ports = [...this.refs.portsOf(item.ServerId)].sort((a, b) => a - b);
      if (!ports.includes(item.Port))
        this.problem(
          ['timeline', i, 'Port'],
          'UnknownBackend',
          `timeline[${i}].Port: ${item.ServerId} serves no server group on port ${item.Port} ` +
            (ports.length === 0
              ? '(it is in no server group)'
              : `(its ports: ${ports.slice(0, 10).join(', ')}${ports.length > 10 ? ', …' : ''})`),
        );
    });
  }

  distribution(d: DistributionData, at: Path): Distribution {
    if (typeof d === 'string' || typeof d === 'number') return { kind: 'constant', value: this.time(d, at) };
    if ('constant' in d) return { kind: 'constant', value: this.time(d.constant, [...at, 'constant']) };
    if ('exponential' in d) {
      const mean = this.time(d.exponential.mean, [...at, 'exponential', 'mean']);
      if (mean <= 0)
        this.problem(
          [...at, 'exponential', 'mean'],
          'SchemaError',
          `${formatPath([...at, 'exponential', 'mean'])}: the mean must be more than 0`,
        );
      return { kind: 'exponential', mean };
    }
    const median = this.time(d.lognormal.median, [...at, 'lognormal', 'median']);
    if (median <= 0)
      this.problem(
        [...at, 'lognormal', 'median'],
        'SchemaError',
        `${formatPath([...at, 'lognormal', 'median'])}: the median must be more than 0`,
      );
    return { kind: 'lognormal', mu: Math.log(Math.max(median, 1)), sigma: d.lognormal.sigma };
  }

  service(t: TrafficData): ServiceModel {
    const s = t.service;
    const at: Path = ['traffic', 'service'];
    const groups: Record<string, Distribution> = {};
    const backends: Record<string, Distribution> = {};
    const knownGroups = ['default', ...this.refs.vServerGroups, ...this.refs.masterSlaveGroups];
    for (const [k, d] of Object.entries(s?.groups ?? {})) {
      this.check([...at, 'groups', k], k, knownGroups, 'UnknownGroup', 'server group', true);
      groups[k] = this.distribution(d, [...at, 'groups', k]);
    }
    for (const [k, d] of Object.entries(s?.backends ?? {})) {
      const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(k);
      if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)))
        this.problem(
          [...at, 'backends', k],
          'SchemaError',
          `${formatPath([...at, 'backends', k])}: expected ServerId or ServerId:Port, got ${JSON.stringify(k)}`,
          true,
        );
      else this.check([...at, 'backends', k], m[1], this.refs.servers, 'UnknownBackend', 'server', true);
      backends[k] = this.distribution(d, [...at, 'backends', k]);
    }
    const out: { default?: Distribution; groups: typeof groups; backends: typeof backends } = {
      groups,
      backends,
    };
    if (s?.default !== undefined) out.default = this.distribution(s.default, [...at, 'default']);
    return out;
  }

  traffic(t: TrafficData, overrides: CompileOverrides): Traffic | undefined {
    const at: Path = ['traffic'];
    const phases: Phase[] = (t.phases ?? []).map((p, i) => {
      const pAt: Path = [...at, 'phases', i];
      if (p.pause !== undefined)
        return {
          ...(p.name ? { name: p.name } : {}),
          duration: this.time(p.pause, [...pAt, 'pause']),
          pause: true,
          mode: 'uniform',
        };
      const duration = this.time(p.duration ?? 0, [...pAt, 'duration']);
      if (duration <= 0)
        this.problem(
          [...pAt, 'duration'],
          'SchemaError',
          `${formatPath([...pAt, 'duration'])}: a phase with requests must last more than 0`,
        );
      const phase: Record<string, unknown> = {};
      if (p.name !== undefined) phase.name = p.name;
      phase.duration = duration;
      if (p.arrivalRate !== undefined) phase.arrivalRate = p.arrivalRate;
      if (p.rampTo !== undefined) phase.rampTo = p.rampTo;
      if (p.arrivalCount !== undefined) phase.arrivalCount = p.arrivalCount;
      phase.mode = p.mode ?? 'uniform';
      return phase as unknown as Phase;
    });
    let span = 0;
    let sent = 0;
    for (const p of phases) {
      span += p.duration;
      sent += phaseRequests(p);
    }
    if (span > HORIZON_US)
      this.problem(
        [...at, 'phases'],
        'BadDuration',
        `traffic.phases: the phases last ${Math.round(span / 1_000_000)}s together, beyond the simulation horizon of ${HORIZON_US / 1_000_000}s`,
      );
    const cap = overrides.requests ?? t.requests;
    if (phases.length > 0 && Math.min(sent, cap ?? Number.POSITIVE_INFINITY) > MAX_REQUESTS)
      this.problem(
        [...at, 'phases'],
        'SchemaError',
        `traffic.phases: the phases send about ${sent.toPrecision(3)} requests; one run sends at most ${MAX_REQUESTS} (lower the rates or durations, or cap them with traffic.requests)`,
      );
    const mix: RequestTemplate[] = (t.mix ?? []).map((m, i) => {
      const mAt: Path = [...at, 'mix', i];
      this.check([...mAt, 'listener'], m.listener, this.refs.listeners, 'UnknownListener', 'listener');
      return {
        listener: m.listener,
        weight: m.weight ?? 1,
        host: m.host ?? '',
        path: m.path ?? '/',
        method: m.method ?? 'GET',
        headers: m.headers ?? {},
        cookies: m.cookies ?? {},
        pos: this.pos(mAt),
      };
    });
    const c = t.clients ?? {};
    const clients: ClientModel = {
      ips: c.ips ?? DEFAULT_CLIENTS.ips,
      portsPerIp: c.portsPerIp ?? DEFAULT_CLIENTS.portsPerIp,
      firstIp: c.firstIp ?? DEFAULT_CLIENTS.firstIp,
      firstPort: c.firstPort ?? DEFAULT_CLIENTS.firstPort,
      keepCookies: c.keepCookies ?? DEFAULT_CLIENTS.keepCookies,
    };
    const first = ipToNumber(clients.firstIp) ?? 0;
    if (first + clients.ips - 1 > 0xffffffff)
      this.problem(
        [...at, 'clients', 'ips'],
        'SchemaError',
        `traffic.clients.ips: ${clients.ips} addresses from ${clients.firstIp} run past 255.255.255.255`,
      );

    let trace: TraceSpec | undefined;
    if (t.trace !== undefined) {
      const tAt: Path = typeof t.trace === 'string' ? [...at, 'trace'] : [...at, 'trace', 'file'];
      const given = typeof t.trace === 'string' ? t.trace : t.trace.file;
      const file = resolve(dirname(this.absFile), given);
      const format = (typeof t.trace === 'string' ? undefined : t.trace.format) ?? traceFormatOf(file);
      if (format === undefined)
        this.problem(
          tAt,
          'SchemaError',
          `traffic.trace: cannot tell the format of ${given} from its extension; add format: ndjson or format: csv`,
        );
      let kind: 'file' | 'missing' | 'other' = 'missing';
      try {
        kind = statSync(file).isFile() ? 'file' : 'other';
      } catch {
        kind = 'missing';
      }
      if (kind === 'missing')
        this.problem(tAt, 'TraceNotFound', `traffic.trace: no such file ${given} (resolved to ${file})`);
      else if (kind === 'other')
        this.problem(
          tAt,
          'TraceUnreadable',
          `traffic.trace: ${given} is not a regular file (a FIFO, a device or a directory is never read)`,
        );
      trace = { file, format: format ?? 'ndjson', pos: this.pos([...at, 'trace']) };
      if (t.phases !== undefined || t.mix !== undefined)
        this.problem(
          [...at, 'trace'],
          'SchemaError',
          'traffic.trace replays its own requests: remove phases and mix, or the trace',
        );
    } else {
      const when = phases.length > 0 || t.requests !== undefined || overrides.requests !== undefined;
      if (mix.length === 0 && when)
        this.problem(
          at,
          'SchemaError',
          'traffic: the mix is empty; add mix entries (which requests to send)',
        );
      else if (mix.length > 0 && !when)
        this.problem(
          at,
          'SchemaError',
          'traffic: add phases or requests (when and how many requests to send)',
        );
      else if (mix.length === 0)
        this.problem(
          at,
          'SchemaError',
          'traffic: nothing to send; add mix with phases or requests, or a trace',
        );
    }
    const requests = overrides.requests ?? t.requests;
    const out: { -readonly [K in keyof Traffic]: Traffic[K] } = {
      phases,
      mix,
      clients,
      service: this.service(t),
    };
    if (requests !== undefined) out.requests = requests;
    if (trace !== undefined) out.trace = trace;
    return out;
  }

  cluster(c: ClusterData, at: Path): ClusterShape {
    if (typeof c !== 'string') return { nodes: c.nodes, workers: c.workers };
    const [nodes, workers] = c.split(/[xX×]/).map((s) => Number(s.trim()));
    if (nodes < 1 || nodes > MAX_NODES || workers < 1 || workers > MAX_WORKERS)
      this.problem(
        at,
        'SchemaError',
        `${formatPath(at)}: expected 1–${MAX_NODES} nodes and 1–${MAX_WORKERS} workers, got ${c}`,
      );
    return { nodes, workers };
  }

  simulation(data: ScenarioFileData): SimulationOptions {
    const s = data.simulation ?? {};
    const at: Path = ['simulation'];
    const clusterByListener: Record<string, ClusterShape> = {};
    for (const [k, c] of Object.entries(s.clusterByListener ?? {})) {
      this.check(
        [...at, 'clusterByListener', k],
        k,
        this.refs.listeners,
        'UnknownListener',
        'listener',
        true,
      );
      clusterByListener[k] = this.cluster(c, [...at, 'clusterByListener', k]);
    }
    const out: { -readonly [K in keyof SimulationOptions]: SimulationOptions[K] } = {
      cluster:
        s.cluster === undefined ? { nodes: 1, workers: 1 } : this.cluster(s.cluster, [...at, 'cluster']),
      clusterByListener,
      ruleMatching: s.ruleMatching ?? 'domain-first',
      urlMatching: s.urlMatching ?? 'normalized',
      l4Order: s.l4Order ?? 'kernel',
    };
    if (s.until !== undefined) out.until = this.time(s.until, [...at, 'until']);
    return out;
  }

  expectations(data: ScenarioFileData): Expectation[] {
    const out: Expectation[] = [];
    const groups = ['default', ...this.refs.vServerGroups, ...this.refs.masterSlaveGroups];
    (data.expect ?? []).forEach((e, i) => {
      const at: Path = ['expect', i];
      const pos = this.pos(at);
      if (e.shares) {
        const s = e.shares;
        const sAt: Path = [...at, 'shares'];
        this.check([...sAt, 'group'], s.group, groups, 'UnknownGroup', 'server group');
        if (s.listener !== undefined)
          this.check([...sAt, 'listener'], s.listener, this.refs.listeners, 'UnknownListener', 'listener');
        let sum = 0;
        for (const [k, v] of Object.entries(s.backends)) {
          sum += v;
          const m = /^([^:]+):(\d{1,5})$/.exec(k);
          if (!m)
            this.problem(
              [...sAt, 'backends', k],
              'SchemaError',
              `${formatPath([...sAt, 'backends', k])}: expected ServerId:Port, got ${JSON.stringify(k)}`,
              true,
            );
          else this.check([...sAt, 'backends', k], m[1], this.refs.servers, 'UnknownBackend', 'server', true);
        }
        if (sum > 1 + 1e-9)
          this.problem(
            [...sAt, 'backends'],
            'SchemaError',
            `${formatPath([...sAt, 'backends'])}: the shares add up to ${Number(sum.toFixed(6))}, more than 1`,
          );
        const x: {
          -readonly [K in keyof Extract<Expectation, { kind: 'shares' }>]: Extract<
            Expectation,
            { kind: 'shares' }
          >[K];
        } = {
          kind: 'shares',
          group: s.group,
          shares: s.backends,
          tolerance: s.tolerance ?? DEFAULT_TOLERANCE,
          pos,
        };
        if (s.listener !== undefined) x.listener = s.listener;
        if (s.window) {
          const from = this.time(s.window.from, [...sAt, 'window', 'from']);
          const to = this.time(s.window.to, [...sAt, 'window', 'to']);
          if (to <= from)
            this.problem(
              [...sAt, 'window'],
              'SchemaError',
              `${formatPath([...sAt, 'window'])}: to must be after from`,
            );
          x.window = { from, to };
        }
        out.push(x);
      } else if (e.ruleShare) {
        const r = e.ruleShare;
        const rAt: Path = [...at, 'ruleShare'];
        if (this.check([...rAt, 'listener'], r.listener, this.refs.listeners, 'UnknownListener', 'listener'))
          this.check(
            [...rAt, 'rule'],
            r.rule,
            ['listener-group', 'default-pool', ...(this.refs.rules.get(r.listener) ?? [])],
            'UnknownRule',
            'rule',
          );
        out.push({
          kind: 'ruleShare',
          listener: r.listener,
          rule: r.rule,
          share: r.share,
          tolerance: r.tolerance ?? DEFAULT_TOLERANCE,
          pos,
        });
      } else if (e.maxFailed !== undefined) {
        out.push({ kind: 'maxFailed', value: e.maxFailed, pos });
      } else if (e.minPValue !== undefined) {
        const m = e.minPValue;
        if (typeof m === 'number') out.push({ kind: 'minPValue', value: m, pos });
        else {
          if (m.group !== undefined)
            this.check([...at, 'minPValue', 'group'], m.group, groups, 'UnknownGroup', 'server group');
          out.push({
            kind: 'minPValue',
            value: m.value,
            ...(m.group === undefined ? {} : { group: m.group }),
            pos,
          });
        }
      }
    });
    return out;
  }
}

/** Default scenario name: the file name without its extension. */
function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.(ya?ml|json)$/i, '') || name;
}

function emptyScenario(absFile: string, data: ScenarioFileData): Scenario {
  return {
    file: absFile,
    name: data.name ?? baseName(absFile),
    seed: DEFAULT_SEED,
    events: [],
    faults: [],
    simulation: {
      cluster: { nodes: 1, workers: 1 },
      clusterByListener: {},
      ruleMatching: 'domain-first',
      urlMatching: 'normalized',
      l4Order: 'kernel',
    },
    expect: [],
  };
}

export function compileScenario(
  data: ScenarioFileData,
  map: SourceMap,
  absFile: string,
  overrides: CompileOverrides = {},
): { scenario: Scenario; diagnostics: Diagnostic[] } {
  const c = new Compiler(map, absFile);
  const { events, faults } = c.events(data);
  if (events.length > MAX_EVENTS) {
    // Folding is linear per event in the topology's size: refuse before any of it.
    c.problem(
      [],
      'SchemaError',
      `the scenario compiles to ${events.length} OpenAPI events (instances, topology, events, timeline); at most ${MAX_EVENTS} are allowed`,
    );
    return { scenario: emptyScenario(absFile, data), diagnostics: c.diagnostics };
  }
  c.refs = indexReferences(events);
  c.faults(data);
  const traffic = data.traffic === undefined ? undefined : c.traffic(data.traffic, overrides);
  const simulation = c.simulation(data);
  const expect = c.expectations(data);
  const seed = overrides.seed ?? (data.seed === undefined ? DEFAULT_SEED : String(data.seed));
  const scenario: { -readonly [K in keyof Scenario]: Scenario[K] } = {
    file: absFile,
    name: data.name ?? baseName(absFile),
    seed,
    events,
    faults,
    simulation,
    expect,
  };
  if (data.description !== undefined) scenario.description = data.description;
  if (traffic !== undefined) scenario.traffic = traffic;
  return { scenario, diagnostics: c.diagnostics };
}
