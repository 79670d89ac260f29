/**
 * The arrivals one shard owns when it draws them itself (`slbsim run --shard K/N`, a pod of
 * `slbsim k8s-job`): every arrival of the run drawn a chunk at a time — times, templates, clients,
 * from the run's own streams in their order — and only this shard's handed to the engine, found
 * from what was drawn (engine/arrival-owner.ts). The others' arrivals cost their draws and a
 * look-up, not a pass through the event loop, the resolve and the owner check of the engine.
 */
import type { Scenario } from '../scenario/scenario-model.js';
import type { ArrivalFeed } from './arrival-feed.js';
import { ArrivalOwners } from './arrival-owner.js';
import { type ArrivalStream, fillUntil } from './arrivals.js';
import { RequestDraw } from './client-draw.js';
import type { ArrivalSource } from './run-start.js';
import type { ShardCut, ShardOption } from './shard-cut.js';

/** Arrivals drawn per chunk (a multiple of RequestDraw's batch). */
const CHUNK = 4096;

export class OwnArrivals implements ArrivalFeed {
  private readonly arrivals: ArrivalStream;
  private readonly draw: RequestDraw;
  private readonly owners: ArrivalOwners;
  private readonly shard: number;
  private readonly until: number;
  private readonly t = new Float64Array(CHUNK);
  private readonly templates = new Int32Array(CHUNK);
  private readonly ips = new Uint32Array(CHUNK);
  private readonly ports = new Int32Array(CHUNK);
  /** The chunk: `pos..count` are still to look at; `first` is the run's number of its entry 0. */
  private pos = 0;
  private count = 0;
  private first = -CHUNK;
  private ended = false;
  id = 0;
  template = 0;
  clientIp = 0;
  clientPort = 0;

  /**
   * The shard's own arrivals of `source` (the run's, from `arrivalSource`; this takes its streams);
   * null when the run has no synthetic arrivals (a trace, no mix): the engine reads those itself.
   */
  static of(
    scenario: Scenario,
    seed: string,
    source: ArrivalSource,
    shard: ShardOption,
    cut: ShardCut,
  ): OwnArrivals | null {
    if (source.arrivals === null || source.mix === null) return null;
    const draw = new RequestDraw(scenario, seed, source.mix);
    return new OwnArrivals(source.arrivals, draw, new ArrivalOwners(scenario, seed, cut), shard, scenario);
  }

  private constructor(
    arrivals: ArrivalStream,
    draw: RequestDraw,
    owners: ArrivalOwners,
    shard: ShardOption,
    scenario: Scenario,
  ) {
    this.arrivals = arrivals;
    this.draw = draw;
    this.owners = owners;
    this.shard = shard.index;
    this.until = scenario.simulation.until ?? Number.POSITIVE_INFINITY;
  }

  next(): number {
    for (;;) {
      const owners = this.owners;
      const count = this.count;
      for (let i = this.pos; i < count; i++) {
        const t = this.t[i];
        const template = this.templates[i];
        if (owners.ownerOf(t, template, this.ips[i], this.ports[i]) === this.shard) {
          this.pos = i + 1;
          this.id = this.first + i;
          this.template = template;
          this.clientIp = this.ips[i];
          this.clientPort = this.ports[i];
          return t;
        }
      }
      this.pos = count;
      if (!this.drawChunk()) return Number.POSITIVE_INFINITY;
    }
  }

  /** The next chunk of the run's arrivals; false when there are none. */
  private drawChunk(): boolean {
    if (this.ended) return false;
    const n = fillUntil(this.arrivals, this.t, 0, CHUNK, this.until);
    if (n < CHUNK) this.ended = true;
    this.draw.fill(this.templates, this.ips, this.ports, 0, CHUNK);
    this.first += CHUNK;
    this.pos = 0;
    this.count = n;
    return n > 0;
  }
}
