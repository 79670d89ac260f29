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

export class RequestDraw {
  private readonly mixRandom: RandomStream;
  private readonly clientRandom: RandomStream;
  private readonly ips: number;
  private readonly ports: number;
  private readonly firstIp: number;
  private readonly firstPort: number;
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
    this.ips = clients.ips;
    this.ports = clients.portsPerIp;
    this.firstIp = ipToNumber(clients.firstIp) ?? ipToNumber(SINGLE_CLIENT.firstIp)!;
    this.firstPort = clients.firstPort;
    this.mixRandom = stream32(seed, 'mix');
    this.clientRandom = stream32(seed, 'clients');
  }

  /** Draw the next request's template and client. */
  draw(): void {
    this.template = this.mix.draw(this.mixRandom);
    const c = Math.floor(this.clientRandom() * this.ips * this.ports);
    const ipIndex = Math.floor(c / this.ports);
    this.clientIp = (this.firstIp + ipIndex) >>> 0;
    this.clientPort = this.firstPort + (c - ipIndex * this.ports);
  }
}
