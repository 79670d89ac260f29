/**
 * The request mix and the clients of a synthetic run: per arrival one draw of the `mix` stream
 * (the template, through the alias table) and one of the `clients` stream (the client IP and port
 * among `ips × portsPerIp`). Shared by the engine, a shard drawing its own arrivals and the arrival
 * board, so a request is the same request whichever thread draws it.
 */
import type { Scenario } from '../scenario/scenario-model.js';
import { SINGLE_CLIENT } from '../scenario/traffic-defaults.js';
import { AleaBatch } from '../util/alea-batch.js';
import { ipToNumber } from '../util/ip.js';
import type { AliasTable } from './alias.js';

/** Requests drawn ahead: each stream's uniforms a batch at a time, then one loop turns them into requests. */
const BATCH = 1024;

export class RequestDraw {
  private readonly mixStream: AleaBatch;
  private readonly clientStream: AleaBatch;
  private readonly mixUniforms = new Float64Array(BATCH);
  private readonly clientUniforms = new Float64Array(BATCH);
  private readonly ipCount: number;
  private readonly ports: number;
  private readonly firstIp: number;
  private readonly firstPort: number;
  private readonly templates = new Int32Array(BATCH);
  private readonly ips = new Uint32Array(BATCH);
  private readonly portsAhead = new Int32Array(BATCH);
  private at = BATCH;
  /** The last draw. */
  template = 0;
  clientIp = 0;
  clientPort = 0;

  constructor(
    scenario: Scenario,
    seed: string,
    private readonly mix: AliasTable,
  ) {
    const clients = scenario.traffic?.clients ?? SINGLE_CLIENT;
    this.ipCount = clients.ips;
    this.ports = clients.portsPerIp;
    this.firstIp = ipToNumber(clients.firstIp) ?? ipToNumber(SINGLE_CLIENT.firstIp)!;
    this.firstPort = clients.firstPort;
    this.mixStream = new AleaBatch(seed, 'mix');
    this.clientStream = new AleaBatch(seed, 'clients');
  }

  /** Draw the next request's template and client. */
  draw(): void {
    if (this.at === BATCH) this.drawAhead();
    const i = this.at++;
    this.template = this.templates[i];
    this.clientIp = this.ips[i];
    this.clientPort = this.portsAhead[i];
  }

  /** The next BATCH requests, each stream's draws in their order. */
  private drawAhead(): void {
    this.fill(this.templates, this.ips, this.portsAhead, 0, BATCH);
    this.at = 0;
  }

  /**
   * Draw the next `n` requests (a multiple of BATCH) into `templates`, `ips` and `ports` from `at`:
   * the same requests, in the same order, as `draw()` gives one at a time (the arrival board,
   * engine/draw-board.ts, fills its chunks with it).
   */
  fill(templates: Int32Array, ips: Uint32Array, ports: Int32Array, at: number, n: number): void {
    const { mix, mixUniforms, clientUniforms, firstIp, firstPort } = this;
    const perIp = this.ports;
    const ipCount = this.ipCount;
    // A mix of one template takes no draw (AliasTable.draw).
    const choose = mix.size > 1;
    for (let done = 0; done < n; done += BATCH) {
      const base = at + done;
      if (choose) {
        this.mixStream.fillWith(mixUniforms, this.clientStream, clientUniforms);
        mix.ofEach(mixUniforms, templates, base);
      } else {
        this.clientStream.fill(clientUniforms);
        templates.fill(0, base, base + BATCH);
      }
      for (let i = 0; i < BATCH; i++) {
        // (r · ips) · ports, in this order: the same doubles as one draw at a time.
        const c = Math.floor(clientUniforms[i] * ipCount * perIp);
        const ipIndex = Math.floor(c / perIp);
        ips[base + i] = (firstIp + ipIndex) >>> 0;
        ports[base + i] = firstPort + (c - ipIndex * perIp);
      }
    }
  }
}
