import { describe, expect, it } from 'vitest';
import { reportFromBatches } from '../../src/report/report-projection.js';
import { OUTCOME_NO_BACKEND } from '../../src/routing/outcomes.js';
import type { Expectation } from '../../src/scenario/scenario-model.js';
import { JournalBuilder, swrr } from './journal-builder.js';

const pos = (line: number) => ({ file: 'scenarios/test.yaml', line, col: 5 });

/** SWRR {3,1} on rsp-web for 40 requests at 1 ms spacing, then 10 requests all to i-b (t ≥ 40 ms). */
function run(expectations: Expectation[], viaJournal = true) {
  const j = new JournalBuilder().start(viaJournal ? { expect: expectations } : {});
  const l = j.listener('lb-1:http:80');
  const a = j.backend('i-a', 80);
  const b = j.backend('i-b', 80);
  const s = j.scope({ listener: l });
  const api = j.scope({
    listener: l,
    source: 'rule',
    rule: { RuleId: 'rule-1', RuleName: 'api', matchKind: 'exact-domain' },
    groupId: 'rsp-api',
  });
  j.epoch(s, 0, [
    [a, 3],
    [b, 1],
  ]);
  j.epoch(api, 0, [[a, 1]]);
  swrr([3, 1], 40).forEach((m, i) => {
    j.route(i * 1000, { listener: l, scope: s, backend: m === 0 ? a : b });
  });
  j.epoch(
    s,
    40_000,
    [
      [a, 3, false],
      [b, 1],
    ],
    1,
    'health',
  );
  for (let i = 0; i < 10; i++) j.route(40_000 + i * 1000, { listener: l, scope: s, backend: b });
  for (let i = 0; i < 10; i++) j.route(50_000 + i, { listener: l, scope: api, backend: a });
  j.route(60_000, { listener: l, scope: api, outcome: OUTCOME_NO_BACKEND });
  const batches = j.finish(61_000).done();
  return viaJournal ? reportFromBatches(batches) : reportFromBatches(batches, { expectations });
}

describe('expectations', () => {
  it('checks shares over the run and within a window, with positions and exact numbers', () => {
    const r = run([
      {
        kind: 'shares',
        group: 'rsp-web',
        shares: { 'i-a:80': 0.6, 'i-b': 0.4 },
        tolerance: 0.01,
        pos: pos(10),
      },
      {
        kind: 'shares',
        group: 'rsp-web',
        listener: 'lb-1:http:80',
        shares: { 'i-a:80': 0.75 },
        tolerance: 0,
        window: { from: 0, to: 40_000 },
        pos: pos(14),
      },
    ]);
    expect(r.expectations?.results.map((x) => [x.pos, x.subject, x.passed, x.expected, x.observed])).toEqual([
      ['scenarios/test.yaml:10:5', 'rsp-web i-a:80', true, 0.6, 0.6],
      ['scenarios/test.yaml:10:5', 'rsp-web i-b', true, 0.4, 0.4],
      ['scenarios/test.yaml:14:5', 'rsp-web i-a:80', true, 0.75, 0.75],
    ]);
    expect(r.expectations?.results[2].message).toBe(
      'scenarios/test.yaml:14:5: share of i-a:80 in rsp-web on lb-1:http:80 in 0s–40ms: expected 0.75 ± 0, observed 0.75 (30 of 40)',
    );
    expect(r.expectations).toMatchObject({ passed: 3, failed: 0 });
  });

  it('reports a share outside its tolerance as a failure with expected, observed and tolerance', () => {
    const r = run([
      {
        kind: 'shares',
        group: 'rsp-web',
        shares: { 'i-a:80': 0.75 },
        tolerance: 0.05,
        window: { from: 30_000, to: 50_000 },
        pos: pos(3),
      },
    ]);
    const [res] = r.expectations!.results;
    expect(res).toMatchObject({ passed: false, expected: 0.75, observed: 0.35, tolerance: 0.05 });
    expect(res.message).toBe(
      'scenarios/test.yaml:3:5: share of i-a:80 in rsp-web in 30ms–50ms: expected 0.75 ± 0.05, observed 0.35 (7 of 20)',
    );
  });

  it('fails clearly on an unknown group or backend', () => {
    const r = run([
      { kind: 'shares', group: 'rsp-nope', shares: { 'i-a:80': 1 }, tolerance: 0, pos: pos(1) },
      { kind: 'shares', group: 'rsp-web', shares: { 'i-q:80': 1 }, tolerance: 0, pos: pos(2) },
    ]);
    expect(r.expectations?.results.map((x) => x.message)).toEqual([
      'scenarios/test.yaml:1:5: group rsp-nope received no requests in this run',
      'scenarios/test.yaml:2:5: group rsp-web has no backend i-q:80 (backends: i-a:80, i-b:80)',
    ]);
  });

  it('checks rule shares by name, id or fallback', () => {
    const r = run([
      {
        kind: 'ruleShare',
        listener: 'lb-1:http:80',
        rule: 'api',
        share: 0.18,
        tolerance: 0.01,
        pos: pos(20),
      },
      {
        kind: 'ruleShare',
        listener: 'lb-1:http:80',
        rule: 'rule-1',
        share: 0.5,
        tolerance: 0.1,
        pos: pos(21),
      },
      {
        kind: 'ruleShare',
        listener: 'lb-1:http:80',
        rule: 'listener-group',
        share: 50 / 61,
        tolerance: 0,
        pos: pos(22),
      },
    ]);
    expect(r.expectations?.results.map((x) => [x.passed, x.observed])).toEqual([
      [true, 0.180328],
      [false, 0.180328],
      [true, 0.819672],
    ]);
    expect(r.expectations?.results[1].message).toBe(
      'scenarios/test.yaml:21:5: share of rule-1 on lb-1:http:80: expected 0.5 ± 0.1, observed 0.180328 (11 of 61)',
    );
  });

  it('checks the failed-request budget and names the reasons', () => {
    const r = run([
      { kind: 'maxFailed', value: 0, pos: pos(30) },
      { kind: 'maxFailed', value: 1, pos: pos(31) },
    ]);
    expect(r.expectations?.results.map((x) => [x.passed, x.observed])).toEqual([
      [false, 1],
      [true, 1],
    ]);
    expect(r.expectations?.results[0].message).toBe(
      'scenarios/test.yaml:30:5: failed requests: expected at most 0, observed 1 (no-eligible-backend 1)',
    );
  });

  it('checks the lowest χ² p-value over epochs large enough for the test', () => {
    const r = run([
      { kind: 'minPValue', value: 0.5, group: 'rsp-web', pos: pos(40) },
      { kind: 'minPValue', value: 0.5, group: 'rsp-api', pos: pos(41) },
    ]);
    const [web, api] = r.expectations!.results;
    expect(web).toMatchObject({ passed: true, observed: 1 });
    expect(web.message).toBe(
      'scenarios/test.yaml:40:5: χ² p-value of rsp-web: expected ≥ 0.5, lowest 1 (lb-1:http:80 listener-vserver-group epoch 0; 1 epoch(s) tested)',
    );
    // rsp-api has one backend: no χ² test there at all.
    expect(api.passed).toBe(false);
    expect(api.message).toContain('no epoch had enough requests for the test');
  });

  it('uses the expectations given by the caller when the journal has none', () => {
    const r = run([{ kind: 'maxFailed', value: 5, pos: pos(1) }], false);
    expect(r.expectations).toMatchObject({ passed: 1, failed: 0 });
  });

  it('gives null when there are no expectations', () => {
    expect(run([]).expectations).toBeNull();
  });
});
