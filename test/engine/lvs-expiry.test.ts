import { describe, expect, it } from 'vitest';
import { InactiveEntries, LVS_INACTIVE_US } from '../../src/engine/lvs-expiry.js';
import { Connection, type ConnectionRef } from '../../src/routing/route-result.js';

describe('InactiveEntries', () => {
  it('given closed connections, then each expires LVS_INACTIVE_US after it closed, in order, once', () => {
    const expired: string[] = [];
    const picker = {
      expire: (c: ConnectionRef) => {
        expired.push(`${c.scope}/${c.member}/${c.backend}`);
      },
    };
    const q = new InactiveEntries();
    expect(q.pending).toBe(false);
    q.push(0, Object.assign(new Connection(), { scope: 1, member: 0, backend: 4 }));
    q.push(10, Object.assign(new Connection(), { scope: 2, member: 1, backend: 5 }));
    q.expireUntil(LVS_INACTIVE_US - 1, picker);
    expect(expired).toEqual([]);
    q.expireUntil(LVS_INACTIVE_US, picker);
    expect(expired).toEqual(['1/0/4']);
    q.expireUntil(LVS_INACTIVE_US + 10, picker);
    q.expireUntil(LVS_INACTIVE_US + 20, picker);
    expect(expired).toEqual(['1/0/4', '2/1/5']);
    expect(q.pending).toBe(false);
  });
});

/** The connection of close number `k`: backend k, and scope, node, worker, member from it. */
function numbered(k: number): Connection {
  return Object.assign(new Connection(), {
    scope: k % 7,
    node: k % 3,
    worker: k % 2,
    member: k % 5,
    backend: k,
  });
}

describe('InactiveEntries over many blocks (65 536 entries each)', () => {
  it('given 200 000 closes, drained and refilled, then every entry expires once, in order, at its time', () => {
    // Given closes at 1 µs steps, expired in uneven steps (some inside a block, some across several)
    const q = new InactiveEntries();
    const expired: number[] = [];
    const picker = {
      expire: (c: ConnectionRef) => {
        expired.push(c.backend);
      },
    };
    const close = (k: number) => q.push(k, numbered(k));
    let next = 0;
    const fill = (n: number) => {
      for (let i = 0; i < n; i++) close(next++);
    };
    fill(200_000);
    for (const until of [0, 1, 65_535, 65_536, 65_537, 140_000, 199_999])
      q.expireUntil(LVS_INACTIVE_US + until, picker);
    // Then the first 200 000 expired in order, and the queue is empty
    expect(expired).toEqual(Array.from({ length: 200_000 }, (_, k) => k));
    expect(q.pending).toBe(false);
    // When it fills again (across block ends) and drains in one call
    fill(131_073);
    expect(q.pending).toBe(true);
    q.expireUntil(LVS_INACTIVE_US + next - 2, picker);
    // Then all but the last expired, in order, with their fields intact
    expect(expired.length).toBe(200_000 + 131_072);
    expect(expired.at(-1)).toBe(next - 2);
    q.expireUntil(LVS_INACTIVE_US + next - 1, picker);
    expect(expired.slice(200_000)).toEqual(Array.from({ length: 131_073 }, (_, k) => 200_000 + k));
    expect(q.pending).toBe(false);
  });

  it("keeps each entry's scope, node, worker and member", () => {
    const q = new InactiveEntries();
    const seen: string[] = [];
    for (let k = 0; k < 70_000; k++) q.push(k, numbered(k));
    q.expireUntil(LVS_INACTIVE_US + 70_000, {
      expire: (c) => {
        if (c.backend % 9_999 === 0) seen.push(`${c.backend}:${c.scope}/${c.node}/${c.worker}/${c.member}`);
      },
    });
    expect(seen).toEqual(
      Array.from({ length: 8 }, (_, j) => j * 9_999).map((k) => `${k}:${k % 7}/${k % 3}/${k % 2}/${k % 5}`),
    );
  });

  it("given a queue drained at a block's end, then it starts again in a block of its own", () => {
    const q = new InactiveEntries();
    const expired: number[] = [];
    const picker = { expire: (c: ConnectionRef) => void expired.push(c.backend) };
    for (let k = 0; k < 65_536; k++) q.push(k, Object.assign(new Connection(), { scope: 0, backend: k }));
    q.expireUntil(LVS_INACTIVE_US + 65_535, picker);
    expect(q.pending).toBe(false);
    q.push(70_000, Object.assign(new Connection(), { scope: 0, backend: -7 }));
    q.expireUntil(LVS_INACTIVE_US + 69_999, picker);
    expect(expired.length).toBe(65_536);
    q.expireUntil(LVS_INACTIVE_US + 70_000, picker);
    expect(expired.at(-1)).toBe(-7);
    expect(q.pending).toBe(false);
  });

  it('refuses a node or worker past what an entry holds (32 767 nodes, 65 535 workers)', () => {
    const q = new InactiveEntries();
    expect(() => q.push(0, Object.assign(new Connection(), { scope: 0, node: 32_768 }))).toThrow(RangeError);
    expect(() => q.push(0, Object.assign(new Connection(), { scope: 0, worker: 65_536 }))).toThrow(
      RangeError,
    );
    q.push(0, Object.assign(new Connection(), { scope: 0, node: 32_767, worker: 65_535, backend: 1 }));
    const got: string[] = [];
    q.expireUntil(LVS_INACTIVE_US, { expire: (c) => void got.push(`${c.node}/${c.worker}`) });
    expect(got).toEqual(['32767/65535']);
  });
});
