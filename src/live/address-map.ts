/**
 * The backend address map: where each modelled backend (ServerId, Port) really listens on
 * loopback. `slbsim live --backends-only --map-out map.json` writes it and
 * `slbsim export nginx --backends map.json` reads it, so an external load balancer can be put in
 * front of the live backends.
 *
 * File shape (JSON, stable key order):
 * `{"version":1,"backends":[{"ServerId":"i-web1","Port":8080,"address":"127.0.0.1","port":40123}]}`
 */
import { readFileSync } from 'node:fs';

export interface BackendAddress {
  /** Modelled identity. */
  readonly ServerId: string;
  readonly Port: number;
  /** Where it really listens. */
  readonly address: string;
  readonly port: number;
}

export interface AddressMap {
  readonly version: 1;
  readonly backends: readonly BackendAddress[];
}

/** `ServerId:Port`, the key every live component uses for a backend. */
export function backendKey(serverId: string, port: number): string {
  return `${serverId}:${port}`;
}

/** A problem with an address map file: the message names the file and what is wrong. */
export class AddressMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressMapError';
  }
}

export function formatAddressMap(map: AddressMap): string {
  const rows = map.backends.map(
    (b) =>
      `    {"ServerId":${JSON.stringify(b.ServerId)},"Port":${b.Port},"address":${JSON.stringify(b.address)},"port":${b.port}}`,
  );
  return `{\n  "version": 1,\n  "backends": [\n${rows.join(',\n')}\n  ]\n}\n`;
}

/** Parse and validate an address map; throws AddressMapError naming the file and the entry. */
export function parseAddressMap(text: string, file: string): AddressMap {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AddressMapError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { backends?: unknown }).backends))
    throw new AddressMapError(
      `${file}: expected {"version":1,"backends":[…]} as written by "slbsim live --backends-only --map-out"`,
    );
  const backends: BackendAddress[] = [];
  const seen = new Set<string>();
  (raw as { backends: unknown[] }).backends.forEach((entry, i) => {
    const where = `${file}: backends[${i}]`;
    if (typeof entry !== 'object' || entry === null)
      throw new AddressMapError(`${where}: expected an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.ServerId !== 'string' || e.ServerId === '')
      throw new AddressMapError(`${where}.ServerId: expected a non-empty string`);
    for (const field of ['Port', 'port'] as const) {
      const v = e[field];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)
        throw new AddressMapError(
          `${where}.${field}: expected a port number 1–65535, got ${JSON.stringify(v)}`,
        );
    }
    if (typeof e.address !== 'string' || e.address === '')
      throw new AddressMapError(`${where}.address: expected an IP address`);
    const key = backendKey(e.ServerId, e.Port as number);
    if (seen.has(key)) throw new AddressMapError(`${where}: ${key} is listed twice`);
    seen.add(key);
    backends.push({
      ServerId: e.ServerId,
      Port: e.Port as number,
      address: e.address,
      port: e.port as number,
    });
  });
  return { version: 1, backends };
}

export function readAddressMap(file: string): AddressMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AddressMapError(
      `${file}: cannot read the address map (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  return parseAddressMap(text, file);
}

/** Lookup by `ServerId:Port`. */
export function addressIndex(map: AddressMap): Map<string, BackendAddress> {
  return new Map(map.backends.map((b) => [backendKey(b.ServerId, b.Port), b]));
}
