/**
 * The request mix and the clients of a synthetic run: per arrival one draw of the `mix` stream
 * (the template, through the alias table) and one of the `clients` stream (the client IP and port
 * among `ips × portsPerIp`). Shared by the engine and the arrival feed, so a request is the same
 * request whichever thread draws it.
 */
import type { Scenario } from '../scenario/scenario-model.js';
import { SINGLE_CLIENT } from '../scenario/traffic-defaults.js';
import { ipToNumber } from '../util/ip.js';
import { type RandomStream, stream32 } from '../util/rng.js';
import type { AliasTable } from './alias.js';

/** Requests drawn ahead: the two streams' draws interleave in one loop (the CPU overlaps them). */
const BATCH = 1024;

export class RequestDraw {
  private readonly mixRandom: RandomStream;
  private readonly clientRandom: RandomStream;
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
    this.mixRandom = stream32(seed, 'mix');
    this.clientRandom = stream32(seed, 'clients');
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
    const { mix, mixRandom, clientRandom, ports, firstIp, firstPort } = this;
    const ipCount = this.ipCount;
    for (let i = 0; i < BATCH; i++) {
      this.templates[i] = mix.draw(mixRandom);
      // (r · ips) · ports, in this order: the same doubles as one draw at a time.
      const c = Math.floor(clientRandom() * ipCount * ports);
      const ipIndex = Math.floor(c / ports);
      this.ips[i] = (firstIp + ipIndex) >>> 0;
      this.portsAhead[i] = firstPort + (c - ipIndex * ports);
    }
    this.at = 0;
  }
}
