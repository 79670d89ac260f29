/**
 * Test fixture: a small but complete run — an HTTP listener with a domain rule, its listener
 * group (SWRR {5,1,1} on two workers, a weight change, a fault with a health verdict), the
 * default pool, a TCP listener, sticky rows, failures of every kind, latency and expectations.
 */

import type { JournalBatch } from '../../src/journal/journal-batch.js';
import { FLAG_STICKY } from '../../src/journal/journal-rows.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
} from '../../src/routing/outcomes.js';
import type { Expectation } from '../../src/scenario/scenario-model.js';
import { JournalBuilder, lvsWrr, swrr } from './journal-builder.js';

export const SAMPLE_EXPECT: Expectation[] = [
  {
    kind: 'shares',
    group: 'rsp-web',
    shares: { 'i-a:80': 5 / 7 },
    tolerance: 0.01,
    window: { from: 0, to: 1_000_000 },
    pos: { file: 'scenarios/sample.yaml', line: 40, col: 5 },
  },
  { kind: 'maxFailed', value: 0, pos: { file: 'scenarios/sample.yaml', line: 44, col: 5 } },
];

export function sampleJournal(): JournalBatch[] {
  const j = new JournalBuilder(64).start({
    seed: 'seed-<7>',
    expect: SAMPLE_EXPECT,
    options: { cluster: '1x2', ruleMatching: 'domain-first' },
  });
  j.control({
    type: 'TemplateDefined',
    t: 0,
    template: 0,
    host: 'www.example.com',
    path: '/',
    method: 'GET',
  });
  const http = j.listener('lb-1:http:80');
  const tcp = j.listener('lb-1:tcp:3306', 4);
  const a = j.backend('i-a', 80);
  const b = j.backend('i-b', 80);
  const c = j.backend('i-c', 80);
  const d = j.backend('i-d', 8080);
  const m = j.backend('i-m', 3306);
  const n = j.backend('i-n', 3306);
  const web = j.scope({ listener: http, groupId: 'rsp-web', groupName: 'web' });
  const api = j.scope({
    listener: http,
    source: 'rule',
    rule: { RuleId: 'rule-1', RuleName: 'api', matchKind: 'exact-domain' },
    groupId: 'rsp-api',
    groupName: 'api',
    sticky: 'insert',
  });
  const pool = j.scope({ listener: http, source: 'default-pool', groupId: null, groupName: 'default' });
  const db = j.scope({ listener: tcp, groupId: 'rsp-db', groupName: 'db', layer: 4 });
  j.epoch(web, 0, [
    [a, 5],
    [b, 1],
    [c, 1],
  ]);
  j.epoch(api, 0, [
    [c, 1],
    [d, 1],
  ]);
  j.epoch(pool, 0, [[d, 100]]);
  j.epoch(db, 0, [
    [m, 2],
    [n, 1],
  ]);
  const w0 = swrr([5, 1, 1], 14);
  const w1 = swrr([5, 1, 1], 16).slice(2);
  const bs = [a, b, c];
  let t = 0;
  for (let i = 0; i < 14; i++) {
    t += 30_000;
    j.route(t, { listener: http, scope: web, backend: bs[w0[i]], worker: 0 });
    j.complete(t + 2000 + i * 100, web, bs[w0[i]], 2000 + i * 100);
    t += 30_000;
    j.route(t, { listener: http, scope: web, backend: bs[w1[i]], worker: 1 });
    j.complete(t + 3000, web, bs[w1[i]], 3000);
  }
  // i-c fails at 0.9 s, is found unhealthy at 1 s: a new epoch without it.
  j.control({ type: 'FaultInjected', t: 900_000, fault: 'BackendFailed', ServerId: 'i-c', Port: 80 });
  j.route(950_000, { listener: http, scope: web, backend: c, outcome: OUTCOME_BACKEND_ERROR });
  j.control({ type: 'HealthChanged', t: 1_000_000, scope: web, backend: c, healthy: false });
  j.epoch(
    web,
    1_000_000,
    [
      [a, 5],
      [b, 1],
      [c, 1, false],
    ],
    6,
    'health',
  );
  for (const [i, k] of swrr([5, 1], 12).entries())
    j.route(1_000_000 + i * 10_000, { listener: http, scope: web, backend: bs[k] });
  j.control({
    type: 'TopologyApplied',
    t: 1_200_000,
    action: 'SetVServerGroupAttribute',
    params: { VServerGroupId: 'rsp-api' },
    response: {},
  });
  // Sticky sessions on the rule: few clients, uneven split.
  j.route(1_200_000, { listener: http, scope: api, backend: c });
  for (let i = 1; i < 6; i++)
    j.route(1_200_000 + i, { listener: http, scope: api, backend: c, flags: FLAG_STICKY });
  j.route(1_200_010, { listener: http, scope: api, backend: d });
  j.route(1_300_000, { listener: http, scope: pool, backend: d });
  j.route(1_300_001, { listener: http, scope: api, outcome: OUTCOME_NO_BACKEND });
  j.route(1_300_002, { listener: http, outcome: OUTCOME_LISTENER_STOPPED });
  j.route(1_300_003, { listener: tcp, outcome: OUTCOME_NO_LISTENER });
  for (const [i, k] of lvsWrr([2, 1], 9).entries())
    j.route(1_400_000 + i, { listener: tcp, scope: db, backend: [m, n][k] });
  j.control({ type: 'FaultInjected', t: 1_500_000, fault: 'BackendRecovered', ServerId: 'i-c', Port: 80 });
  return j.finish(2_000_000).done();
}
