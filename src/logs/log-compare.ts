/**
 * The streaming comparison of access-log rows with the model, row by row, in bounded memory:
 *
 * - **Group check** (deterministic): the group of a row is the group(s) of its listener that hold
 *   `upstream_addr`'s last IP:port; the model's is where `Balancer.resolve` sends the row's Host
 *   and path on the topology version of the row's time. A row agrees when the model's group is
 *   among the row's. Disagreeing rows, rows whose upstream is in no group of the listener, and rows
 *   the model refuses (no such listener, listener stopped) are counted and listed (up to a limit,
 *   with file and line), and summarised by pattern.
 * - **Shares**: agreeing rows are counted per group slot, backend and time window, together with
 *   the model's epoch of each row (so a window's expected share is the mix of its epochs), the
 *   failed attempts of retried rows, upstream 5xx statuses and, for sticky groups, the distinct
 *   clients.
 *
 * Caches (route per listener, Host and path; listener per slbid and port; parsed upstream lists)
 * are keyed by the reader's interned ids and dropped when an intern table starts over.
 */
import { ClientCounts } from './client-counts.js';
import type { EpochTable } from './epoch-table.js';
import { isoTime, type LogRow } from './log-fields.js';
import type { LogReader } from './log-reader.js';
import {
  type ModelRoute,
  ROUTE_NO_LISTENER,
  ROUTE_OK,
  ROUTE_STOPPED,
  type TopologyVersions,
  type VersionListener,
} from './topology-versions.js';
import { type AddressMatch, type AllGroupsIndex, ListenerAddressMap, splitUpstream } from './upstream-map.js';

/** Distinct clients counted per cell of a sticky group, at most. */
export const CLIENT_CAP = 50_000;
/** (cell, client) pairs counted over all cells, at most: memory stays bounded over many windows. */
export const CLIENT_BUDGET = 1_000_000;

/** The shared allowance of client entries. */
export class ClientBudget {
  left = CLIENT_BUDGET;
}

export type DisagreementKind = 'group' | 'outside' | 'no-listener' | 'listener-stopped';

export interface DisagreeingRow {
  readonly kind: DisagreementKind;
  readonly file: string;
  readonly line: number;
  readonly time: string;
  readonly host: string;
  readonly path: string;
  readonly upstream: string;
  /** The model's route: `rule <RuleName>`, `listener group`, `default pool`, or the refusal. */
  readonly modelRoute: string;
  /** The model's group, null when it refuses the request. */
  readonly modelGroup: string | null;
  /** The groups of the listener holding the upstream (empty: none). */
  readonly actualGroups: readonly string[];
  /** For `outside`: other groups of the scenario that hold the address. */
  readonly elsewhere: readonly string[];
}

/** Counts of one (group slot, time window) cell, or of a slot's whole log. */
export class ShareCell {
  n = 0;
  readonly counts: Float64Array;
  readonly failed: Float64Array;
  readonly upstream5xx: Float64Array;
  readonly epochIds: number[] = [];
  readonly epochRows: number[] = [];
  /** More than CLIENT_CAP distinct clients in this cell. */
  clientsOverflow = false;
  /** The shared budget ran out before this cell's clients were all counted. */
  clientsUncounted = false;
  /** Rows per client, for the sticky groups (Kish's effective sample size). */
  readonly perClient: ClientCounts | null;

  constructor(
    readonly window: number,
    backends: number,
    sticky: boolean,
    private readonly budget: ClientBudget = new ClientBudget(),
  ) {
    this.counts = new Float64Array(backends);
    this.failed = new Float64Array(backends);
    this.upstream5xx = new Float64Array(backends);
    this.perClient = sticky ? new ClientCounts() : null;
  }

  addEpoch(id: number): void {
    const ids = this.epochIds;
    const last = ids.length - 1;
    if (last >= 0 && ids[last] === id) {
      this.epochRows[last]++;
      return;
    }
    const i = ids.indexOf(id);
    if (i >= 0) this.epochRows[i]++;
    else {
      ids.push(id);
      this.epochRows.push(1);
    }
  }

  addClient(ip: number): void {
    const m = this.perClient!;
    if (m.bump(ip)) return;
    if (m.size >= CLIENT_CAP) this.clientsOverflow = true;
    else if (this.budget.left <= 0) this.clientsUncounted = true;
    else {
      this.budget.left--;
      m.add(ip, 1);
    }
  }
}

export class SlotStats {
  readonly total: ShareCell;
  readonly windows = new Map<number, ShareCell>();
  private lastWindow = Number.NaN;
  private lastCell: ShareCell | null = null;

  constructor(
    readonly slot: number,
    readonly backends: number,
    readonly sticky: boolean,
    private readonly budget: ClientBudget,
  ) {
    this.total = new ShareCell(-1, backends, sticky, budget);
  }

  cell(window: number): ShareCell {
    if (window === this.lastWindow) return this.lastCell!;
    let c = this.windows.get(window);
    if (c === undefined) {
      c = new ShareCell(window, this.backends, this.sticky, this.budget);
      this.windows.set(window, c);
    }
    this.lastWindow = window;
    this.lastCell = c;
    return c;
  }
}

export class ListenerStats {
  rows = 0;
  agree = 0;
  ambiguous = 0;
  retried = 0;
  schemeMismatch = 0;
  noUpstream = 0;
  /** Rows without upstream while the model had eligible backends for them. */
  noUpstreamModelEligible = 0;
  readonly noUpstreamByStatus = new Map<number, number>();
  readonly disagreements: Record<DisagreementKind, number> = {
    group: 0,
    outside: 0,
    'no-listener': 0,
    'listener-stopped': 0,
  };
  readonly listed: DisagreeingRow[] = [];
  readonly patterns = new Map<string, { count: number; example: DisagreeingRow }>();
  patternsOverflow = 0;

  constructor(
    readonly listener: string,
    readonly known: boolean,
  ) {}

  get disagreeing(): number {
    const d = this.disagreements;
    return d.group + d.outside + d['no-listener'] + d['listener-stopped'];
  }
}

interface ListenerCtx {
  readonly stats: ListenerStats;
  readonly listener: VersionListener | null;
  /** Why the model has no listener here (a layer-4 listener on the port, or none). */
  readonly missing: string;
  readonly addresses: ListenerAddressMap | null;
  routes: Map<number, Map<number, ModelRoute>>;
  routeGen: number;
}

interface UpstreamInfo {
  readonly last: string;
  readonly earlier: readonly string[];
}

export interface CompareOptions {
  /** Scenario time 0 as Unix ms; undefined = the first row's time. */
  readonly originMs?: number;
  /** Window width in ms; 0 = no windows (the whole log only). */
  readonly windowMs: number;
  /** Disagreeing rows listed per listener, at most. */
  readonly listLimit: number;
}

const PATTERN_CAP = 1000;

export class LogComparison {
  readonly listeners = new Map<string, ListenerStats>();
  readonly slotStats: SlotStats[];
  originMs: number | undefined;
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  rows = 0;
  /** Whether rows came in non-decreasing time (across the files, in the order given). */
  ordered = true;
  firstDisorder: { file: string; line: number } | null = null;
  /** The first row: its file (index), line and time (for merging a later part of the log). */
  firstRow: { file: number; line: number; ms: number } | null = null;
  /** The last row's time. */
  prevMs = Number.NEGATIVE_INFINITY;
  private readonly ctx: Map<number, ListenerCtx>[];
  private ctxGen = -1;
  private upstreamCache: (UpstreamInfo | undefined)[] = [];
  private upstreamGen = -1;
  private lastVersion = 0;
  private readonly budget = new ClientBudget();

  constructor(
    private readonly model: TopologyVersions,
    private readonly epochs: EpochTable,
    private readonly reader: LogReader,
    private readonly elsewhere: AllGroupsIndex,
    private readonly options: CompareOptions,
  ) {
    this.originMs = options.originMs;
    this.ctx = model.versions.map(() => new Map());
    const budget = this.budget;
    this.slotStats = model.slots.map(
      (s) =>
        new SlotStats(s.index, s.backends.length, s.sticky === 'insert' || s.sticky === 'server', budget),
    );
  }

  /**
   * Why merging a later part of the log into this one (or this one into an earlier part) could
   * differ from reading both in one pass, or null: a bounded table that filled up (patterns, the
   * per-client counts) or started over (slbids, which the listener labels are cached by) keeps
   * what came first, which a part cannot know.
   */
  unmergeable(): string | null {
    if (this.reader.slbids.generation > 0) return 'too many distinct slbids';
    for (const l of this.listeners.values()) if (l.patternsOverflow > 0) return 'too many patterns';
    for (const st of this.slotStats)
      for (const c of [st.total, ...st.windows.values()])
        if (c.clientsOverflow || c.clientsUncounted) return 'too many clients';
    return null;
  }

  /** The state a worker thread hands back for `merge` (structured-cloned: data only). */
  exportPart(): ComparisonPart {
    const ctxLabels: string[] = [];
    this.ctx.forEach((m, v) => {
      for (const [key, c] of m)
        ctxLabels.push(
          `${v}\u0000${this.reader.slbids.text(Math.floor(key / 65536))}\u0000${key % 65536}\u0000${c.stats.listener}`,
        );
    });
    return {
      rows: this.rows,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      ordered: this.ordered,
      firstDisorder: this.firstDisorder,
      firstRow: this.firstRow,
      prevMs: this.prevMs,
      listeners: [...this.listeners.values()],
      slotStats: this.slotStats.map((st) => ({ total: st.total, windows: st.windows })),
      ctxLabels,
      unmergeable: this.unmergeable(),
    };
  }

  /**
   * Add the part of the log that follows this one (read by another `LogComparison` over the same
   * model and origin), as if one pass had read both: counts add up, first occurrences and listed
   * rows keep this part's before the other's. `line(file, line)` turns the other part's line
   * numbers into the file's. Returns null, or why the merge would not be exact (nothing merged
   * then: the caller reads the log again in one pass).
   */
  merge(o: ComparisonPart, line: (file: string, line: number) => number): string | null {
    const why = this.unmergeable() ?? o.unmergeable;
    if (why !== null) return why;
    const labels = new Map<string, string>();
    for (const x of this.exportPart().ctxLabels) {
      const cut = x.lastIndexOf('\u0000');
      labels.set(x.slice(0, cut), x.slice(cut + 1));
    }
    for (const x of o.ctxLabels) {
      const cut = x.lastIndexOf('\u0000');
      const mine = labels.get(x.slice(0, cut));
      if (mine !== undefined && mine !== x.slice(cut + 1))
        return 'a listener named by the scheme of its first row';
    }
    // Check the bounded tables before changing anything.
    for (const ol of o.listeners) {
      const l = this.listeners.get(ol.listener);
      if (l === undefined) continue;
      let size = l.patterns.size;
      for (const k of ol.patterns.keys()) if (!l.patterns.has(k)) size++;
      if (size > PATTERN_CAP) return 'too many patterns';
    }
    let entries = 0;
    for (let i = 0; i < this.slotStats.length; i++) {
      const st = this.slotStats[i];
      const os = o.slotStats[i];
      const cells: Array<[ShareCell | undefined, ShareCell]> = [[st.total, os.total]];
      for (const [w, oc] of os.windows) cells.push([st.windows.get(w), oc]);
      for (const [a, b] of cells) {
        if (b.perClient === null) continue;
        const mine = a?.perClient ?? null;
        let size = mine?.size ?? 0;
        ClientCounts.revive(b.perClient).forEach((ip) => {
          if (mine?.has(ip) !== true) size++;
        });
        if (size > CLIENT_CAP) return 'too many clients';
        entries += size - (mine?.size ?? 0);
      }
      for (const c of [st.total, ...st.windows.values()]) entries += c.perClient?.size ?? 0;
    }
    if (entries > CLIENT_BUDGET) return 'too many clients';
    // Rows and their order.
    const fix = (d: DisagreeingRow): DisagreeingRow => ({ ...d, line: line(d.file, d.line) });
    if (o.rows > 0) {
      if (this.rows === 0) {
        this.ordered = o.ordered;
        this.firstDisorder =
          o.firstDisorder === null
            ? null
            : { file: o.firstDisorder.file, line: line(o.firstDisorder.file, o.firstDisorder.line) };
        const f = o.firstRow!;
        this.firstRow = { ...f, line: line(this.reader.files[f.file], f.line) };
      } else if (this.ordered) {
        const f = o.firstRow!;
        if (f.ms < this.prevMs) {
          this.ordered = false;
          const file = this.reader.files[f.file];
          this.firstDisorder = { file, line: line(file, f.line) };
        } else if (!o.ordered) {
          this.ordered = false;
          const d = o.firstDisorder!;
          this.firstDisorder = { file: d.file, line: line(d.file, d.line) };
        }
      }
      this.rows += o.rows;
      this.prevMs = o.prevMs;
      if (o.firstMs < this.firstMs) this.firstMs = o.firstMs;
      if (o.lastMs > this.lastMs) this.lastMs = o.lastMs;
    }
    // Listeners.
    const limit = this.options.listLimit;
    for (const ol of o.listeners) {
      let l = this.listeners.get(ol.listener);
      if (l === undefined) {
        l = new ListenerStats(ol.listener, ol.known);
        this.listeners.set(ol.listener, l);
      }
      l.rows += ol.rows;
      l.agree += ol.agree;
      l.ambiguous += ol.ambiguous;
      l.retried += ol.retried;
      l.schemeMismatch += ol.schemeMismatch;
      l.noUpstream += ol.noUpstream;
      l.noUpstreamModelEligible += ol.noUpstreamModelEligible;
      for (const [k, n] of ol.noUpstreamByStatus)
        l.noUpstreamByStatus.set(k, (l.noUpstreamByStatus.get(k) ?? 0) + n);
      for (const k of Object.keys(l.disagreements) as DisagreementKind[])
        l.disagreements[k] += ol.disagreements[k];
      for (const d of ol.listed) if (l.listed.length < limit) l.listed.push(fix(d));
      for (const [k, p] of ol.patterns) {
        const known = l.patterns.get(k);
        if (known !== undefined) known.count += p.count;
        else l.patterns.set(k, { count: p.count, example: fix(p.example) });
      }
    }
    // Shares.
    for (let i = 0; i < this.slotStats.length; i++) {
      const st = this.slotStats[i];
      const os = o.slotStats[i];
      mergeCell(st.total, os.total);
      for (const [w, oc] of os.windows) mergeCell(st.cell(w), oc);
    }
    this.budget.left = CLIENT_BUDGET - entries;
    return null;
  }

  /** Scenario µs of a row time. */
  scenarioUs(timeMs: number): number {
    return (timeMs - (this.originMs ?? timeMs)) * 1000;
  }

  onRow = (row: LogRow): void => {
    const ms = row.timeMs;
    if (this.originMs === undefined) this.originMs = ms;
    this.rows++;
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
    if (ms < this.prevMs && this.ordered) {
      this.ordered = false;
      this.firstDisorder = { file: this.reader.files[row.file], line: row.line };
    }
    if (this.firstRow === null) this.firstRow = { file: row.file, line: row.line, ms };
    this.prevMs = ms;
    const t = (ms - this.originMs) * 1000;
    const v = this.model.versionAt(t, this.lastVersion);
    this.lastVersion = v;
    const ctx = this.listenerCtx(v, row);
    const stats = ctx.stats;
    stats.rows++;
    const listener = ctx.listener;
    let route: ModelRoute;
    if (listener === null) route = NO_LISTENER_ROUTE;
    else {
      if (row.scheme !== 0 && row.scheme !== (listener.protocol === 'https' ? 2 : 1)) stats.schemeMismatch++;
      route = this.route(ctx, v, listener, row);
    }
    if (row.upstream < 0) {
      stats.noUpstream++;
      stats.noUpstreamByStatus.set(row.status, (stats.noUpstreamByStatus.get(row.status) ?? 0) + 1);
      if (route.outcome === ROUTE_OK) {
        const e = this.epochs.at(route.scope, t);
        if (e >= 0 && this.epochs.epochs[e].eligible > 0) stats.noUpstreamModelEligible++;
      }
      return;
    }
    const up = this.upstream(row.upstream);
    if (up.earlier.length > 0) stats.retried++;
    if (route.outcome !== ROUTE_OK) {
      this.disagree(
        stats,
        route.outcome === ROUTE_STOPPED ? 'listener-stopped' : 'no-listener',
        row,
        route,
        [],
        ctx,
        up,
      );
      return;
    }
    const m = ctx.addresses!.match(up.last);
    const k = m.slots.length;
    if (k === 0) {
      this.disagree(stats, 'outside', row, route, [], ctx, up);
      return;
    }
    let j = -1;
    for (let i = 0; i < k; i++) if (m.slots[i] === route.slot) j = i;
    if (k > 1) stats.ambiguous++;
    if (j < 0) {
      this.disagree(stats, 'group', row, route, m, ctx, up);
      return;
    }
    stats.agree++;
    const b = m.backends[j];
    const slotStats = this.slotStats[route.slot];
    const epoch = this.epochs.at(route.scope, t);
    this.count(slotStats.total, b, epoch, row, up, ctx, route.slot);
    if (this.options.windowMs > 0)
      this.count(slotStats.cell(Math.floor(ms / this.options.windowMs)), b, epoch, row, up, ctx, route.slot);
  };

  private count(
    cell: ShareCell,
    b: number,
    epoch: number,
    row: LogRow,
    up: UpstreamInfo,
    ctx: ListenerCtx,
    slot: number,
  ): void {
    cell.n++;
    cell.counts[b]++;
    if (epoch >= 0) cell.addEpoch(epoch);
    if (row.upstreamStatus >= 500) cell.upstream5xx[b]++;
    if (up.earlier.length > 0)
      for (const a of up.earlier) {
        const f = ctx.addresses!.match(a);
        for (let i = 0; i < f.slots.length; i++) if (f.slots[i] === slot) cell.failed[f.backends[i]]++;
      }
    if (cell.perClient !== null) cell.addClient(row.clientIp);
  }

  private route(ctx: ListenerCtx, v: number, listener: VersionListener, row: LogRow): ModelRoute {
    const r = this.reader;
    const gen = r.hosts.generation * 65536 + r.paths.generation;
    if (ctx.routeGen !== gen) {
      ctx.routes = new Map();
      ctx.routeGen = gen;
    }
    let byPath = ctx.routes.get(row.host);
    if (byPath === undefined) {
      byPath = new Map();
      ctx.routes.set(row.host, byPath);
    }
    let route = byPath.get(row.path);
    if (route === undefined) {
      const host = row.host < 0 ? '' : r.hosts.text(row.host);
      route = this.model.route(v, listener, host, r.paths.text(row.path));
      byPath.set(row.path, route);
    }
    return route;
  }

  private upstream(id: number): UpstreamInfo {
    const gen = this.reader.upstreams.generation;
    if (gen !== this.upstreamGen) {
      this.upstreamCache = [];
      this.upstreamGen = gen;
    }
    let u = this.upstreamCache[id];
    if (u === undefined) {
      const list = splitUpstream(this.reader.upstreams.text(id));
      u = { last: list[list.length - 1] ?? '', earlier: list.slice(0, -1) };
      this.upstreamCache[id] = u;
    }
    return u;
  }

  private listenerCtx(v: number, row: LogRow): ListenerCtx {
    const gen = this.reader.slbids.generation;
    if (gen !== this.ctxGen) {
      for (const m of this.ctx) m.clear();
      this.ctxGen = gen;
    }
    const key = row.slbid * 65536 + row.vport;
    const map = this.ctx[v];
    let c = map.get(key);
    if (c !== undefined) return c;
    const version = this.model.versions[v];
    const slbid = this.reader.slbids.text(row.slbid);
    const portKey = `${slbid}:${row.vport}`;
    const listener = version.listenersByPort.get(portKey) ?? null;
    const label = listener?.key ?? `${slbid}:${row.scheme === 2 ? 'https' : 'http'}:${row.vport}`;
    let stats = this.listeners.get(label);
    if (stats === undefined) {
      stats = new ListenerStats(
        label,
        this.model.versions.some((x) => x.listenersByPort.has(portKey)),
      );
      this.listeners.set(label, stats);
    }
    c = {
      stats,
      listener,
      missing: version.layer4Ports.has(portKey)
        ? 'a layer-4 listener (no access log)'
        : this.model.versions.some((x) => x.listenersByPort.has(portKey))
          ? 'no listener at this time'
          : 'no such listener',
      addresses: listener ? new ListenerAddressMap(this.model.slots, listener.slots) : null,
      routes: new Map(),
      routeGen: -1,
    };
    map.set(key, c);
    return c;
  }

  private disagree(
    stats: ListenerStats,
    kind: DisagreementKind,
    row: LogRow,
    route: ModelRoute,
    m: AddressMatch | [],
    ctx: ListenerCtx,
    up: UpstreamInfo,
  ): void {
    stats.disagreements[kind]++;
    const limit = this.options.listLimit;
    const needRow = stats.listed.length < limit;
    const model = this.model;
    const r = this.reader;
    const host = row.host < 0 ? '' : r.hosts.text(row.host);
    const scope = route.scope >= 0 ? model.scopes[route.scope] : null;
    const modelRoute =
      kind === 'no-listener'
        ? ctx.missing
        : kind === 'listener-stopped'
          ? 'listener stopped'
          : (scope?.label ?? '');
    const modelGroup = scope ? model.slots[scope.slot].group : null;
    const actual: string[] = [];
    if ('slots' in m) for (let i = 0; i < m.slots.length; i++) actual.push(model.slots[m.slots[i]].group);
    const patternKey = `${kind}\u0000${host}\u0000${modelRoute}\u0000${modelGroup}\u0000${actual.join(',')}`;
    const known = stats.patterns.get(patternKey);
    if (known !== undefined && !needRow) {
      known.count++;
      return;
    }
    const d: DisagreeingRow = {
      kind,
      file: r.files[row.file],
      line: row.line,
      time: isoTime(row.timeMs),
      host,
      path: r.paths.text(row.path),
      upstream: r.upstreams.text(row.upstream),
      modelRoute,
      modelGroup,
      actualGroups: actual,
      elsewhere: kind === 'group' ? [] : this.elsewhere.groupsOf(up.last),
    };
    if (needRow) stats.listed.push(d);
    if (known !== undefined) known.count++;
    else if (stats.patterns.size < PATTERN_CAP) stats.patterns.set(patternKey, { count: 1, example: d });
    else stats.patternsOverflow++;
  }
}

/** What `LogComparison.exportPart` hands over (see `merge`). */
export interface ComparisonPart {
  readonly rows: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly ordered: boolean;
  readonly firstDisorder: { readonly file: string; readonly line: number } | null;
  readonly firstRow: { readonly file: number; readonly line: number; readonly ms: number } | null;
  readonly prevMs: number;
  readonly listeners: readonly ListenerStats[];
  readonly slotStats: readonly {
    readonly total: ShareCell;
    readonly windows: ReadonlyMap<number, ShareCell>;
  }[];
  /** `version \0 slbid \0 port \0 label` per listener context. */
  readonly ctxLabels: readonly string[];
  readonly unmergeable: string | null;
}

/** Add cell `b`'s counts to `a`'s (epochs and clients first seen in `b` after `a`'s). */
function mergeCell(a: ShareCell, b: ShareCell): void {
  a.n += b.n;
  for (let i = 0; i < a.counts.length; i++) {
    a.counts[i] += b.counts[i];
    a.failed[i] += b.failed[i];
    a.upstream5xx[i] += b.upstream5xx[i];
  }
  b.epochIds.forEach((id, j) => {
    const at = a.epochIds.indexOf(id);
    if (at >= 0) a.epochRows[at] += b.epochRows[j];
    else {
      a.epochIds.push(id);
      a.epochRows.push(b.epochRows[j]);
    }
  });
  const mine = a.perClient;
  if (mine !== null && b.perClient !== null)
    ClientCounts.revive(b.perClient).forEach((ip, n) => {
      mine.add(ip, n);
    });
}

const NO_LISTENER_ROUTE: ModelRoute = { outcome: ROUTE_NO_LISTENER, scope: -1, slot: -1 };
