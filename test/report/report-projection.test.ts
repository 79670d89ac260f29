import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/render/json.js';
import { createReportProjections, reportFromBatches } from '../../src/report/report-projection.js';
import { JournalBuilder, swrr } from './journal-builder.js';

function sample(finish = true) {
  const j = new JournalBuilder().start({ options: { ruleMatching: 'domain-first', cluster: '1x1' } });
  const l = j.listener('lb-1:http:80');
  const a = j.backend('i-a', 80);
  const b = j.backend('i-b', 80);
  const s = j.scope({ listener: l });
  j.epoch(s, 0, [
    [a, 2],
    [b, 1],
  ]);
  swrr([2, 1], 30).forEach((m, i) => {
    const t = i * 100_000;
    j.route(t, { listener: l, scope: s, backend: m === 0 ? a : b });
    j.complete(t + 1000 * (i + 1), s, m === 0 ? a : b, 1000 * (i + 1));
  });
  j.control({ type: 'FaultInjected', t: 1_500_000, fault: 'BackendFailed', ServerId: 'i-b', Port: 80 });
  j.control({ type: 'HealthChanged', t: 1_600_000, scope: s, backend: b, healthy: false });
  j.control({
    type: 'TopologyRejected',
    t: 2_000_000,
    action: 'SetVServerGroupAttribute',
    code: 'InvalidWeight.Malformed',
    message: 'bad',
  });
  if (finish) j.finish(3_000_000);
  return j.done();
}

describe('the report', () => {
  it('echoes the run header with sorted options and no wall-clock value', () => {
    const r = reportFromBatches(sample());
    expect(r).toMatchObject({
      schema: 'slbsim-report/1',
      slbsimVersion: '0.1.0',
      scenario: { name: 'test', file: 'scenarios/test.yaml' },
      seed: '42',
      rng: 'alea (seedrandom 3.0.5)',
      partial: false,
      endUs: 3_000_000,
      requests: 30,
    });
    expect(Object.keys(r.options)).toEqual(['cluster', 'ruleMatching']);
    expect(r.faults).toEqual([{ t: 1_500_000, fault: 'BackendFailed', ServerId: 'i-b', Port: 80 }]);
    expect(r.groups[0].health).toEqual([{ t: 1_600_000, ServerId: 'i-b', Port: 80, healthy: false }]);
    expect(r.topologyEvents).toEqual([
      { t: 2_000_000, action: 'SetVServerGroupAttribute', error: 'InvalidWeight.Malformed' },
    ]);
  });

  it('summarizes latency per scope, listener and run (HDR, integer µs)', () => {
    const r = reportFromBatches(sample());
    // HDR percentiles are the highest value equivalent to the bucket (3 digits), capped at the exact max.
    expect(r.latency).toEqual({
      count: 30,
      min: 1000,
      mean: 15500,
      p50: 15007,
      p90: 27007,
      p99: 30000,
      p999: 30000,
      max: 30000,
    });
    expect(r.listeners[0].latency).toEqual(r.latency);
    expect(r.groups[0].latency).toEqual(r.latency);
  });

  it('is marked partial when RunFinished is missing', () => {
    expect(reportFromBatches(sample(false)).partial).toBe(true);
  });

  it('buckets share over time with exact counts whatever the width', () => {
    const r = reportFromBatches(sample());
    // The journal spans 0–3 s (RunFinished): 1 ms × 200 is too short, 2 ms too, 10 ms × 200 = 2 s too, 20 ms fits.
    expect(r.timeline.bucketUs).toBe(20_000);
    expect(r.timeline.buckets).toBe(151);
    const g = r.groups[0];
    expect(g.timeline.backends).toEqual(['i-a:80', 'i-b:80']);
    expect(g.timeline.served).toHaveLength(151);
    const sums = [0, 0];
    for (const row of g.timeline.served)
      row.forEach((c, k) => {
        sums[k] += c;
      });
    expect(sums).toEqual([20, 10]);
    expect(g.timeline.served[0]).toEqual([1, 0]);
    expect(g.timeline.served[5]).toEqual([0, 1]);
  });

  it('is byte-identical for the same journal, and build() mid-run changes nothing', () => {
    const batches = sample();
    const p = createReportProjections();
    batches.forEach((b, i) => {
      p.sink.onBatch(b);
      if (i === 2) p.build();
    });
    const once = renderJson(p.build());
    expect(renderJson(reportFromBatches(sample()))).toBe(once);
    expect(renderJson(p.build())).toBe(once);
  });
});
