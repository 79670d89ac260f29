/**
 * The traffic defaults, defined once: the client population a scenario gets when `traffic.clients`
 * leaves a key out, the single client used where there is no client model at all (no traffic
 * section: `slbsim route`, probes, replayed traces), and the rate of `requests: N` without phases.
 * Read by the schema (its descriptions and checks), the scenario compiler, the engine, the live
 * harness and the CLI; docs/MODEL.md and docs/SCENARIO.md state the same values (a test holds them
 * to these).
 */
import type { ClientModel } from './scenario-model.js';

/** `traffic.clients` defaults: 100 source IPs from 10.0.0.1, 100 ports each from 40000, cookies kept. */
export const DEFAULT_CLIENTS: ClientModel = {
  ips: 100,
  portsPerIp: 100,
  firstIp: '10.0.0.1',
  firstPort: 40000,
  keepCookies: true,
};

/** The one client where there is no client model: the first default address, no cookie jar. */
export const SINGLE_CLIENT: ClientModel = {
  ips: 1,
  portsPerIp: 1,
  firstIp: DEFAULT_CLIENTS.firstIp,
  firstPort: DEFAULT_CLIENTS.firstPort,
  keepCookies: false,
};

/** `requests: N` without phases: N arrivals at this uniform rate (requests per simulated second). */
export const DEFAULT_RATE = 1000;
