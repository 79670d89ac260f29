/**
 * The identity space the two runs of a plan share. Each journal numbers its listeners, backends
 * and scopes in the order it meets them, and a change can make the two orders differ; here every
 * listener (`lb:proto:port`), backend (`ServerId:Port`) and scope (listener, source, rule, group)
 * gets one global index, so a row of one run can be compared with the same request's row of the
 * other. A scope keeps its identity when only its scheduler or stickiness changes.
 *
 * Each side remembers the order it first met each entry (its local index), so the plan can list
 * them in journal order — before-run first, then what only the after-run has — whatever order
 * the lock-step replay registered them in.
 */
import type { ScopeDefined } from '../journal/journal-rows.js';
import type { MatchKind, RouteSource } from '../routing/outcomes.js';

export const BEFORE = 0;
export const AFTER = 1;
export type Side = typeof BEFORE | typeof AFTER;

/** Affinity of a scope's requests to a backend: which client key makes them stick. */
export const AFFINITY_NONE = 0;
/** Source IP: `sch`, layer-4 persistence, cookie stickiness (one cookie jar per source IP). */
export const AFFINITY_IP = 1;
/** The client's (IP, port): `tch`, `qch`. */
export const AFFINITY_TUPLE = 2;

export interface ScopeEntry {
  readonly index: number;
  readonly listener: string;
  readonly layer: 4 | 7;
  readonly source: RouteSource;
  readonly rule: { readonly RuleId: string; readonly RuleName: string; readonly matchKind: MatchKind } | null;
  readonly groupId: string | null;
  readonly groupName: string;
  /** The latest definition on each side (null: that run never had the scope). */
  readonly defs: [ScopeDefined | null, ScopeDefined | null];
  /** First local index on each side (Infinity: never). */
  readonly order: [number, number];
}

export interface KeyEntry {
  readonly index: number;
  readonly key: string;
  readonly order: [number, number];
}

/** What a scope definition identifies, independent of scheduler and stickiness. */
export function scopeIdentity(
  listener: string,
  def: Pick<ScopeDefined, 'source' | 'rule' | 'groupId' | 'groupName'>,
): string {
  return `${listener}|${def.source}|${def.rule?.RuleId ?? ''}|${def.groupId ?? def.groupName}`;
}

/** The client key a scope's scheduler or stickiness makes requests stick by. */
export function affinityOf(def: Pick<ScopeDefined, 'scheduler' | 'sticky'>): number {
  if (def.sticky !== 'off' || def.scheduler === 'sch') return AFFINITY_IP;
  if (def.scheduler === 'tch' || def.scheduler === 'qch') return AFFINITY_TUPLE;
  return AFFINITY_NONE;
}

export class PlanKeys {
  readonly listeners: KeyEntry[] = [];
  readonly backends: KeyEntry[] = [];
  readonly scopes: ScopeEntry[] = [];
  private readonly listenerIndex = new Map<string, number>();
  private readonly backendIndex = new Map<string, number>();
  private readonly scopeIndex = new Map<string, number>();

  listener(key: string, side: Side, local: number): number {
    return this.entry(this.listeners, this.listenerIndex, key, side, local);
  }

  backend(key: string, side: Side, local: number): number {
    return this.entry(this.backends, this.backendIndex, key, side, local);
  }

  scope(listener: string, def: ScopeDefined, side: Side): number {
    const id = scopeIdentity(listener, def);
    let i = this.scopeIndex.get(id);
    if (i === undefined) {
      i = this.scopes.length;
      this.scopes.push({
        index: i,
        listener,
        layer: def.layer,
        source: def.source,
        rule: def.rule,
        groupId: def.groupId,
        groupName: def.groupName,
        defs: [null, null],
        order: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
      });
      this.scopeIndex.set(id, i);
    }
    const s = this.scopes[i];
    s.defs[side] = def;
    s.order[side] = Math.min(s.order[side], def.scope);
    return i;
  }

  /** Global index of a scope identity, or -1. */
  findScope(identity: string): number {
    return this.scopeIndex.get(identity) ?? -1;
  }

  findBackend(key: string): number {
    return this.backendIndex.get(key) ?? -1;
  }

  private entry(
    list: KeyEntry[],
    index: Map<string, number>,
    key: string,
    side: Side,
    local: number,
  ): number {
    let i = index.get(key);
    if (i === undefined) {
      i = list.length;
      list.push({ index: i, key, order: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY] });
      index.set(key, i);
    }
    const e = list[i];
    e.order[side] = Math.min(e.order[side], local);
    return i;
  }
}

/** Journal order across both runs: the before-run's order, then entries only the after-run has. */
export function byJournalOrder(a: { order: [number, number] }, b: { order: [number, number] }): number {
  const x = a.order[BEFORE];
  const y = b.order[BEFORE];
  if (x !== y) return x < y ? -1 : 1;
  const u = a.order[AFTER];
  const v = b.order[AFTER];
  return u === v ? 0 : u < v ? -1 : 1;
}
