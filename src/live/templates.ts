/**
 * Request templates of a live run, as the journal knows them (`TemplateDefined` rows): the
 * scenario's request mix, defined up front in mix order, plus any other (listener, Host, path,
 * method) a proxy sees from clients that are not the load driver (defined on first sight).
 *
 * The load driver tags each request with `X-Slbsim-Template: <index>`, so the common case is a
 * number parse and a bounds check, without building a key.
 */
import type { Balancer } from '../routing/balancer.js';
import type { RequestTemplate } from '../scenario/scenario-model.js';
import type { LiveClock } from './clock.js';
import type { JournalSequencer } from './journal-sequencer.js';

export interface LiveTemplate {
  readonly listener: number;
  readonly listenerKey: string;
  readonly host: string;
  readonly path: string;
  readonly method: string;
}

export class LiveTemplates {
  readonly list: LiveTemplate[] = [];
  private readonly byKey = new Map<string, number>();
  /** Number of templates that came from the scenario's mix (indices 0 … planned−1). */
  planned = 0;

  constructor(
    private readonly balancer: Balancer,
    private readonly journal: JournalSequencer | null,
    private readonly clock: LiveClock,
  ) {}

  /** Define the mix templates, in mix order (index = position in the mix). */
  defineMix(mix: readonly RequestTemplate[]): void {
    for (const m of mix)
      this.define(this.balancer.listenerOf(m.listener), m.listener, m.host, m.path, m.method);
    this.planned = this.list.length;
  }

  /** The template index of a request arriving at `listener`. */
  resolve(
    listener: number,
    tag: string | string[] | undefined,
    host: string,
    path: string,
    method: string,
  ): number {
    if (typeof tag === 'string') {
      const k = Number(tag);
      if (Number.isInteger(k) && k >= 0 && k < this.planned && this.list[k].listener === listener) {
        const t = this.list[k];
        if (t.path === path && t.method === method && t.host === host) return k;
      }
    }
    const key = `${listener}\u0000${host}\u0000${path}\u0000${method}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    return this.define(listener, this.balancer.listeners[listener]?.spec.key ?? '', host, path, method);
  }

  private define(listener: number, listenerKey: string, host: string, path: string, method: string): number {
    const key = `${listener}\u0000${host}\u0000${path}\u0000${method}`;
    const template = this.list.length;
    this.list.push({ listener, listenerKey, host, path, method });
    // Mix entries that differ only in headers or cookies share the key; each keeps its own index.
    if (!this.byKey.has(key)) this.byKey.set(key, template);
    this.journal?.control({ type: 'TemplateDefined', t: this.clock.now(), template, host, path, method });
    return template;
  }
}
