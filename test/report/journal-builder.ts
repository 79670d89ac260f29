/**
 * Test helper: builds journal batches by hand (small batches, so rows cross batch boundaries),
 * and reference pick sequences of nginx SWRR and LVS wrr to feed them.
 */

import { JournalBatch } from '../../src/journal/journal-batch.js';
import type { ControlEntry } from '../../src/journal/journal-rows.js';
import type { EpochMember } from '../../src/routing/balancer.js';
import { type MatchKind, OUTCOME_OK, type RouteSource } from '../../src/routing/outcomes.js';
import type { Expectation } from '../../src/scenario/scenario-model.js';

export interface ScopeSpec {
  listener: number;
  source?: RouteSource;
  rule?: { RuleId: string; RuleName: string; matchKind: MatchKind } | null;
  groupId?: string | null;
  groupName?: string;
  scheduler?: string;
  layer?: 4 | 7;
  deterministic?: boolean;
  sticky?: 'off' | 'insert' | 'server' | 'source-ip';
}

export interface RouteSpec {
  listener?: number;
  scope?: number;
  backend?: number;
  outcome?: number;
  flags?: number;
  node?: number;
  worker?: number;
}

export class JournalBuilder {
  readonly batches: JournalBatch[] = [];
  private batch: JournalBatch;
  private listeners = 0;
  private backends = 0;
  private scopes = 0;
  private epochs = new Map<number, number>();
  private nextId = 0;

  constructor(private readonly capacity = 7) {
    this.batch = new JournalBatch(capacity);
  }

  private flushIfFull(): void {
    if (this.batch.full) {
      this.batches.push(this.batch);
      this.batch = new JournalBatch(this.capacity);
    }
  }

  control(entry: ControlEntry): this {
    this.batch.pushControl(entry);
    this.flushIfFull();
    return this;
  }

  start(
    opts: { seed?: string; expect?: readonly Expectation[]; options?: Record<string, unknown> } = {},
  ): this {
    return this.control({
      type: 'RunStarted',
      t: 0,
      seed: opts.seed ?? '42',
      scenario: 'scenarios/test.yaml',
      name: 'test',
      slbsimVersion: '0.1.0',
      rng: 'alea (seedrandom 3.0.5)',
      options: opts.options ?? { cluster: '1x1', ruleMatching: 'domain-first' },
      ...(opts.expect ? { expect: opts.expect } : {}),
    });
  }

  listener(key: string, layer: 4 | 7 = 7): number {
    const listener = this.listeners++;
    this.control({ type: 'ListenerDefined', t: 0, listener, key, layer });
    return listener;
  }

  backend(ServerId: string, Port: number): number {
    const backend = this.backends++;
    this.control({ type: 'BackendDefined', t: 0, backend, ServerId, Port });
    return backend;
  }

  scope(spec: ScopeSpec): number {
    const scope = this.scopes++;
    this.control({
      type: 'ScopeDefined',
      t: 0,
      scope,
      listener: spec.listener,
      source: spec.source ?? 'listener-vserver-group',
      rule: spec.rule ?? null,
      groupId: spec.groupId === undefined ? 'rsp-web' : spec.groupId,
      groupName: spec.groupName ?? 'web',
      scheduler: spec.scheduler ?? 'wrr',
      layer: spec.layer ?? 7,
      deterministic: spec.deterministic ?? true,
      sticky: spec.sticky ?? 'off',
    });
    return scope;
  }

  /** members: [backend, Weight, eligible?]. cycleLength defaults to Σ eligible weights / gcd. */
  epoch(
    scope: number,
    t: number,
    members: [number, number, boolean?][],
    cycleLength?: number,
    cause = 'start',
  ): this {
    const epoch = this.epochs.get(scope) ?? 0;
    this.epochs.set(scope, epoch + 1);
    const ms: EpochMember[] = members.map(([backend, Weight, eligible]) => ({
      backend,
      Weight,
      eligible: eligible ?? true,
    }));
    return this.control({
      type: 'EpochStarted',
      t,
      scope,
      epoch,
      members: ms,
      cycleLength: cycleLength ?? defaultCycle(ms),
      cause,
    });
  }

  route(t: number, r: RouteSpec): this {
    this.batch.pushRouted({
      t,
      id: this.nextId++,
      listener: r.listener ?? 0,
      template: 0,
      clientIp: 0x0a000001,
      clientPort: 40000,
      node: r.node ?? 0,
      worker: r.worker ?? 0,
      scope: r.scope ?? -1,
      backend: r.backend ?? -1,
      outcome: r.outcome ?? OUTCOME_OK,
      attempts: 1,
      flags: r.flags ?? 0,
    });
    this.flushIfFull();
    return this;
  }

  complete(t: number, scope: number, backend: number, latency: number): this {
    this.batch.pushCompleted({ t, id: this.nextId, scope, backend, latency });
    this.flushIfFull();
    return this;
  }

  finish(t: number, partial = false): this {
    return this.control({ type: 'RunFinished', t, requests: this.nextId, partial });
  }

  /** All batches, the last partial one included. */
  done(): JournalBatch[] {
    if (this.batch.n > 0) {
      this.batches.push(this.batch);
      this.batch = new JournalBatch(this.capacity);
    }
    return this.batches;
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function defaultCycle(ms: EpochMember[]): number {
  const ws = ms.filter((m) => m.eligible && m.Weight > 0).map((m) => m.Weight);
  if (ws.length === 0) return 0;
  const g = ws.reduce(gcd);
  return ws.reduce((a, b) => a + b, 0) / g;
}

/** nginx smooth weighted round robin (lb-algorithms.md §1.2): `count` picks as member indices. */
export function swrr(weights: number[], count: number): number[] {
  const cw = weights.map(() => 0);
  const total = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (let n = 0; n < count; n++) {
    let best = -1;
    for (let i = 0; i < weights.length; i++) {
      cw[i] += weights[i];
      if (best < 0 || cw[i] > cw[best]) best = i;
    }
    cw[best] -= total;
    out.push(best);
  }
  return out;
}

/** LVS interleaved wrr (lb-algorithms.md §3.2): `count` picks as member indices. */
export function lvsWrr(weights: number[], count: number): number[] {
  const di = weights.filter((w) => w > 0).reduce(gcd);
  const mw = Math.max(...weights);
  let cl = -1;
  let cw = 0;
  const out: number[] = [];
  for (let n = 0; n < count; n++) {
    for (;;) {
      cl = (cl + 1) % weights.length;
      if (cl === 0) {
        cw -= di;
        if (cw <= 0) cw = mw;
      }
      if (weights[cl] >= cw) break;
    }
    out.push(cl);
  }
  return out;
}
