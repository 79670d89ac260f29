/**
 * One run's journal as the plan reads it: a JournalSink that translates the run's own indices
 * into the plan's shared identities (`PlanKeys`), queues each request's routed row until the same
 * request's row of the other run arrives, and remembers every scope's members as they stand when
 * the change is complete (the last epoch started at or before `settledUs`).
 *
 * The queue is a ring of typed-array columns: rows wait only while one run is ahead of the other
 * in the lock-step replay, so it stays about one slice long, whatever the length of the run.
 */
import { JournalDictionary } from '../journal/dictionary.js';
import type { JournalBatch, JournalSink } from '../journal/journal-batch.js';
import { type ControlEntry, ROW_CONTROL, ROW_ROUTED } from '../journal/journal-rows.js';
import { affinityOf, type PlanKeys, type Side } from './plan-keys.js';

/** A member of a scope when the change is complete, by global backend index. */
export interface SettledMember {
  readonly backend: number;
  readonly Weight: number;
  readonly eligible: boolean;
}

/** Routed rows waiting for their counterpart, in request order. */
export class RowQueue {
  private cap = 1024;
  private head = 0;
  size = 0;
  id = new Float64Array(this.cap);
  t = new Float64Array(this.cap);
  template = new Int32Array(this.cap);
  listener = new Int32Array(this.cap);
  clientIp = new Uint32Array(this.cap);
  clientPort = new Uint16Array(this.cap);
  scope = new Int32Array(this.cap);
  backend = new Int32Array(this.cap);
  outcome = new Uint8Array(this.cap);
  affinity = new Uint8Array(this.cap);

  /** Slot of the i-th waiting row (0 = the oldest). */
  slot(i: number): number {
    return (this.head + i) & (this.cap - 1);
  }

  push(
    id: number,
    t: number,
    template: number,
    listener: number,
    clientIp: number,
    clientPort: number,
    scope: number,
    backend: number,
    outcome: number,
    affinity: number,
  ): void {
    if (this.size === this.cap) this.grow();
    const s = (this.head + this.size) & (this.cap - 1);
    this.id[s] = id;
    this.t[s] = t;
    this.template[s] = template;
    this.listener[s] = listener;
    this.clientIp[s] = clientIp;
    this.clientPort[s] = clientPort;
    this.scope[s] = scope;
    this.backend[s] = backend;
    this.outcome[s] = outcome;
    this.affinity[s] = affinity;
    this.size++;
  }

  /** Drop the `n` oldest rows. */
  shift(n: number): void {
    this.head = (this.head + n) & (this.cap - 1);
    this.size -= n;
  }

  private grow(): void {
    const h = this.head;
    this.id = regrow(this.id, h);
    this.t = regrow(this.t, h);
    this.template = regrow(this.template, h);
    this.listener = regrow(this.listener, h);
    this.clientIp = regrow(this.clientIp, h);
    this.clientPort = regrow(this.clientPort, h);
    this.scope = regrow(this.scope, h);
    this.backend = regrow(this.backend, h);
    this.outcome = regrow(this.outcome, h);
    this.affinity = regrow(this.affinity, h);
    this.head = 0;
    this.cap *= 2;
  }
}

type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A full ring of twice the size, unrolled: the oldest row first. */
function regrow<T extends Column>(a: T, head: number): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a.subarray(head) as ArrayLike<number>);
  next.set(a.subarray(0, head) as ArrayLike<number>, a.length - head);
  return next;
}

export class RunTap implements JournalSink {
  readonly rows = new RowQueue();
  readonly dict = new JournalDictionary();
  /** Members of each global scope when the change is complete (last epoch at or before settledUs). */
  readonly settled = new Map<number, readonly SettledMember[]>();
  private readonly listenerOf: number[] = [];
  private readonly backendOf: number[] = [];
  private readonly scopeOf: number[] = [];
  private readonly affinityOfScope: number[] = [];

  constructor(
    private readonly keys: PlanKeys,
    private readonly side: Side,
    private readonly settledUs: number,
  ) {}

  onBatch(b: JournalBatch): void {
    const n = b.n;
    const kind = b.kind;
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      if (k === ROW_ROUTED) {
        const local = b.scope[i];
        const backend = b.backend[i];
        this.rows.push(
          b.id[i],
          b.t[i],
          b.template[i],
          this.listenerOf[b.listener[i]],
          b.clientIp[i],
          b.clientPort[i],
          local < 0 ? -1 : this.scopeOf[local],
          backend < 0 ? -1 : this.backendOf[backend],
          b.outcome[i],
          local < 0 ? 0 : this.affinityOfScope[local],
        );
      } else if (k === ROW_CONTROL) this.control(b.control[i]!);
    }
  }

  private control(e: ControlEntry): void {
    this.dict.observe(e);
    switch (e.type) {
      case 'ListenerDefined':
        this.listenerOf[e.listener] = this.keys.listener(e.key, this.side, e.listener);
        break;
      case 'BackendDefined':
        this.backendOf[e.backend] = this.keys.backend(`${e.ServerId}:${e.Port}`, this.side, e.backend);
        break;
      case 'ScopeDefined': {
        const listener = this.dict.listeners[e.listener].key;
        this.scopeOf[e.scope] = this.keys.scope(listener, e, this.side);
        this.affinityOfScope[e.scope] = affinityOf(e);
        break;
      }
      case 'EpochStarted':
        if (e.t <= this.settledUs)
          this.settled.set(
            this.scopeOf[e.scope],
            e.members.map((m) => ({
              backend: this.backendOf[m.backend],
              Weight: m.Weight,
              eligible: m.eligible,
            })),
          );
        break;
      default:
        break;
    }
  }
}
