/**
 * `upstream_addr` → the backend(s) of the scenario. The value is nginx's: one `IP:port`, or
 * several separated by `, ` when CLB retried another backend (the last one answered), or
 * ` : ` between internal redirects. An address is matched against the group slots of the row's
 * listener (through each backend's `ServerIp` or ECS `PrivateIpAddress`); when one IP:port is in
 * several groups of the listener, all of them are candidates (ambiguous), and a row agrees with
 * the model when the model's group is among them.
 */
import type { GroupSlot } from './topology-versions.js';

/** Candidates of one address on one listener: parallel arrays of slot and backend index. */
export interface AddressMatch {
  readonly slots: Int32Array;
  readonly backends: Int32Array;
}

export const NO_MATCH: AddressMatch = { slots: new Int32Array(0), backends: new Int32Array(0) };

/** The addresses of an `upstream_addr` value, in order, trimmed; empty entries and `-` dropped. */
export function splitUpstream(value: string): string[] {
  return value
    .split(/\s*[,]\s*|\s+:\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '-');
}

/** IP:port → candidates, for the group slots of one listener in one version. */
export class ListenerAddressMap {
  private readonly map = new Map<string, AddressMatch>();

  constructor(slots: readonly GroupSlot[], listenerSlots: readonly number[]) {
    const acc = new Map<string, { slots: number[]; backends: number[] }>();
    for (const si of listenerSlots) {
      const slot = slots[si];
      slot.addresses.forEach((addr, b) => {
        if (addr === '') return;
        let a = acc.get(addr);
        if (a === undefined) acc.set(addr, (a = { slots: [], backends: [] }));
        if (a.slots.includes(si)) return;
        a.slots.push(si);
        a.backends.push(b);
      });
    }
    for (const [k, v] of acc)
      this.map.set(k, { slots: Int32Array.from(v.slots), backends: Int32Array.from(v.backends) });
  }

  match(address: string): AddressMatch {
    return this.map.get(address) ?? NO_MATCH;
  }
}

/** Every group of the scenario an address is in (for the hint on rows outside the listener's groups). */
export class AllGroupsIndex {
  private readonly map = new Map<string, Set<string>>();

  add(address: string, label: string): void {
    if (address === '') return;
    let s = this.map.get(address);
    if (s === undefined) this.map.set(address, (s = new Set()));
    s.add(label);
  }

  groupsOf(address: string): string[] {
    return [...(this.map.get(address) ?? [])];
  }
}
