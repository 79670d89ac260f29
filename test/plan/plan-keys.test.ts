import { describe, expect, it } from 'vitest';
import {
  AFFINITY_IP,
  AFFINITY_NONE,
  AFFINITY_TUPLE,
  affinityOf,
  byJournalOrder,
  scopeIdentity,
} from '../../src/plan/plan-keys.js';

describe('plan keys', () => {
  it('identifies a scope by listener, source, rule and group, not by its scheduling', () => {
    const rule = { RuleId: 'r-1', RuleName: 'api', matchKind: 'url' as const };
    expect(scopeIdentity('lb:http:80', { source: 'rule', rule, groupId: 'rsp-1', groupName: 'x' })).toBe(
      'lb:http:80|rule|r-1|rsp-1',
    );
    expect(
      scopeIdentity('lb:http:80', {
        source: 'default-pool',
        rule: null,
        groupId: null,
        groupName: 'default server group :80',
      }),
    ).toBe('lb:http:80|default-pool||default server group :80');
  });

  it('gives each scheduling its client key', () => {
    expect(
      [
        { scheduler: 'wrr', sticky: 'off' },
        { scheduler: 'wrr', sticky: 'insert' },
        { scheduler: 'sch', sticky: 'off' },
        { scheduler: 'tch', sticky: 'off' },
        { scheduler: 'qch', sticky: 'off' },
        { scheduler: 'tch', sticky: 'source-ip' },
      ].map((d) => affinityOf(d as Parameters<typeof affinityOf>[0])),
    ).toEqual([AFFINITY_NONE, AFFINITY_IP, AFFINITY_IP, AFFINITY_TUPLE, AFFINITY_TUPLE, AFFINITY_IP]);
  });

  it('orders by the before-run, then what only the after-run has', () => {
    const I = Number.POSITIVE_INFINITY;
    const entries: { id: string; order: [number, number] }[] = [
      { id: 'only-after-2', order: [I, 2] },
      { id: 'b1', order: [1, 5] },
      { id: 'only-after-0', order: [I, 0] },
      { id: 'b0', order: [0, 7] },
    ];
    expect(entries.sort(byJournalOrder).map((e) => e.id)).toEqual([
      'b0',
      'b1',
      'only-after-0',
      'only-after-2',
    ]);
  });
});
