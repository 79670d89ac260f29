import { describe, expect, it } from 'vitest';
import {
  compareDistributions,
  distributionFromRecords,
  distributionFromReport,
  type RecordLike,
} from '../../src/report/distribution-compare.js';
import { renderCompare } from '../../src/report/render/compare-render.js';
import { reportFromBatches } from '../../src/report/report-projection.js';
import { sampleJournal } from './sample-journal.js';

const dist = (o: Record<string, Record<string, number>>) =>
  new Map(Object.entries(o).map(([g, b]) => [g, new Map(Object.entries(b))]));

describe('distributions', () => {
  it('from a report: served totals per group, the default pool keyed by its load balancer', () => {
    const d = distributionFromReport(reportFromBatches(sampleJournal()));
    expect([...d.keys()]).toEqual(['rsp-web', 'rsp-api', 'default@lb-1', 'rsp-db']);
    expect(Object.fromEntries(d.get('rsp-web')!)).toEqual({ 'i-a:80': 30, 'i-b:80': 6, 'i-c:80': 4 });
    expect(Object.fromEntries(d.get('default@lb-1')!)).toEqual({ 'i-d:8080': 1 });
  });

  it('from records: ok rows only, the same keys as a report', () => {
    const row = (over: Partial<RecordLike>): RecordLike => ({
      listener: 'lb-1:http:80',
      source: 'listener-vserver-group',
      VServerGroupId: 'rsp-web',
      ServerId: 'i-a',
      Port: 80,
      outcome: 'ok',
      ...over,
    });
    const d = distributionFromRecords([
      row({}),
      row({ ServerId: 'i-b' }),
      row({ ServerId: 'i-b' }),
      row({ outcome: 'backend-error' }),
      row({ source: 'default-pool', VServerGroupId: null, ServerId: 'i-d', Port: 8080 }),
      row({ source: null, VServerGroupId: null, ServerId: null, Port: null, outcome: 'listener-stopped' }),
    ]);
    expect([...d].map(([g, m]) => [g, Object.fromEntries(m)])).toEqual([
      ['rsp-web', { 'i-a:80': 1, 'i-b:80': 2 }],
      ['default@lb-1', { 'i-d:8080': 1 }],
    ]);
  });
});

describe('compareDistributions', () => {
  it('identical distributions pass with χ² = 0 and TVD 0', () => {
    const a = dist({ g: { 'i-a:80': 500, 'i-b:80': 100, 'i-c:80': 100 } });
    const r = compareDistributions(a, a, { maxDiff: 0 });
    expect(r.passed).toBe(true);
    expect(r.groups[0]).toMatchObject({
      chiSquare: 0,
      df: 2,
      pValue: 1,
      tvd: 0,
      maxAbsDiff: 0,
      exceeded: false,
    });
  });

  it('flags a share difference above the threshold, with the homogeneity test', () => {
    const a = dist({ g: { A: 200, B: 150, C: 50 } });
    const b = dist({ g: { A: 250, B: 300, C: 50 } });
    const r = compareDistributions(a, b, { maxDiff: 0.05 }, { a: 'a.json', b: 'b.csv' });
    const g = r.groups[0];
    expect(g.backends.map((x) => [x.backend, x.shareA, x.shareB, x.diff, x.exceeded])).toEqual([
      ['A', 0.5, 0.416667, -0.083333, true],
      ['B', 0.375, 0.5, 0.125, true],
      ['C', 0.125, 0.083333, -0.041667, false],
    ]);
    expect(g.chiSquare).toBe(16.203704);
    expect(g.df).toBe(2);
    expect(g.tvd).toBe(0.125);
    expect(g.maxAbsDiff).toBe(0.125);
    expect(r.passed).toBe(false);
    expect(compareDistributions(a, b, { maxDiff: 0.125 }).passed).toBe(true);
  });

  it('a group on one side only counts as fully different', () => {
    const r = compareDistributions(dist({ g: { A: 1 }, h: { X: 4 } }), dist({ g: { A: 7 } }), {
      maxDiff: 0.5,
    });
    expect(r.groups.map((g) => [g.group, g.missingIn, g.exceeded])).toEqual([
      ['g', null, false],
      ['h', 'b', true],
    ]);
    expect(r.groups[1].chiSquare).toBeNull();
  });

  it('renders table, JSON and Markdown', () => {
    const r = compareDistributions(
      dist({ g: { A: 3, B: 1 } }),
      dist({ g: { A: 1, B: 1 } }),
      { maxDiff: 0.1 },
      { a: 'x', b: 'y' },
    );
    const table = renderCompare(r, 'table').split('\n');
    expect(table).toContain('Result:               FAIL');
    expect(table).toContain('Group g: 4 vs 2 served');
    expect(table).toContain('A              3        1   75.00%   50.00%  -25.00pp');
    expect(JSON.parse(renderCompare(r, 'json'))).toEqual(r);
    expect(renderCompare(r, 'md')).toContain('| A | 3 | 1 | 75.00% | 50.00% | **-25.00pp** |');
  });
});
