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
