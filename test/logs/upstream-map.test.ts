import { describe, expect, it } from 'vitest';
import type { GroupSlot } from '../../src/logs/topology-versions.js';
import { ListenerAddressMap, splitUpstream } from '../../src/logs/upstream-map.js';

const slot = (index: number, group: string, addresses: string[]): GroupSlot => ({
  index,
  listener: 'lb:http:80',
  group,
  groupName: group,
  backends: addresses.map((_, i) => `i-${i}:80`),
  backendIndex: new Map(addresses.map((_, i) => [`i-${i}:80`, i])),
  addresses,
  scheduler: 'wrr',
  sticky: 'off',
});

describe('upstream_addr', () => {
  it('splits retries and internal redirects, dropping - and blanks', () => {
    expect(splitUpstream('10.0.0.1:80')).toEqual(['10.0.0.1:80']);
    expect(splitUpstream('10.0.0.1:80, 10.0.0.2:80')).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
    expect(splitUpstream('10.0.0.1:80,10.0.0.2:80 : 10.0.0.3:80')).toEqual([
      '10.0.0.1:80',
      '10.0.0.2:80',
      '10.0.0.3:80',
    ]);
    expect(splitUpstream('-')).toEqual([]);
    expect(splitUpstream('[::1]:80')).toEqual(['[::1]:80']);
  });

  it('maps an IP:port to every group of the listener that holds it (ambiguous when several)', () => {
    const slots = [
      slot(0, 'rsp-a', ['10.0.0.1:80', '10.0.0.2:80']),
      slot(1, 'rsp-b', ['10.0.0.2:80', '']),
      slot(2, 'rsp-c', ['10.0.0.9:80']),
    ];
    const m = new ListenerAddressMap(slots, [0, 1]);
    expect([...m.match('10.0.0.1:80').slots]).toEqual([0]);
    const both = m.match('10.0.0.2:80');
    expect([[...both.slots], [...both.backends]]).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(m.match('10.0.0.9:80').slots.length).toBe(0); // another listener's group
  });
});
