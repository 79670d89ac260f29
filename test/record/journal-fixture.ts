/**
 * A hand-built journal covering every row kind, control entry and outcome, with the record rows
 * it must give. Shared by the record writer tests and the journal file round-trip test.
 */

import { JournalBatch } from '../../src/journal/journal-batch.js';
import {
  type ControlEntry,
  FLAG_AWAITS_COMPLETION,
  FLAG_COOKIE_ISSUED,
  FLAG_RETRIED,
  FLAG_STICKY,
} from '../../src/journal/journal-rows.js';
import type { RecordRow } from '../../src/record/columns.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
  OUTCOME_OK,
} from '../../src/routing/outcomes.js';
import { ipToNumber } from '../../src/util/ip.js';

type Row =
  | { kind: 'control'; entry: ControlEntry }
  | {
      kind: 'routed';
      t: number;
      id: number;
      listener: number;
      template: number;
      ip: string;
      port: number;
      node: number;
      worker: number;
      scope: number;
      backend: number;
      outcome: number;
      attempts: number;
      flags: number;
    }
  | { kind: 'completed'; t: number; id: number; scope: number; backend: number; latency: number }
  | {
      kind: 'attemptFailed';
      t: number;
      id: number;
      scope: number;
      backend: number;
      node: number;
      worker: number;
    };

const AWAIT = FLAG_AWAITS_COMPLETION;

function routed(
  id: number,
  listener: number,
  template: number,
  scope: number,
  backend: number,
  outcome: number,
  attempts: number,
  flags: number,
  node = 0,
  worker = 0,
): Row {
  return {
    kind: 'routed',
    t: id * 1000,
    id,
    listener,
    template,
    ip: `10.0.0.${id + 1}`,
    port: 40000 + id,
    node,
    worker,
    scope,
    backend,
    outcome,
    attempts,
    flags,
  };
}

export const FIXTURE_ROWS: readonly Row[] = [
  {
    kind: 'control',
    entry: {
      type: 'RunStarted',
      t: 0,
      seed: '42',
      scenario: 'scenarios/fixture.yaml',
      name: 'fixture',
      slbsimVersion: '0.1.0',
      rng: 'alea',
      options: { cluster: '1x1', latencyModelled: true, nested: { a: [1, 2] } },
    },
  },
  { kind: 'control', entry: { type: 'ListenerDefined', t: 0, listener: 0, key: 'lb-1:http:80', layer: 7 } },
  { kind: 'control', entry: { type: 'ListenerDefined', t: 0, listener: 1, key: 'lb-1:tcp:443', layer: 4 } },
  { kind: 'control', entry: { type: 'ListenerDefined', t: 0, listener: 2, key: 'lb-1:http:8080', layer: 7 } },
  {
    kind: 'control',
    entry: {
      type: 'TemplateDefined',
      t: 0,
      template: 0,
      host: 'api.example.com',
      path: '/v1/items',
      method: 'GET',
    },
  },
  {
    kind: 'control',
    entry: { type: 'TemplateDefined', t: 0, template: 1, host: 'a,"b"', path: '/x\ny', method: 'POST' },
  },
  { kind: 'control', entry: { type: 'TemplateDefined', t: 0, template: 2, host: '', path: '', method: '' } },
  { kind: 'control', entry: { type: 'BackendDefined', t: 0, backend: 0, ServerId: 'i-a', Port: 80 } },
  { kind: 'control', entry: { type: 'BackendDefined', t: 0, backend: 1, ServerId: 'i-b', Port: 8080 } },
  { kind: 'control', entry: { type: 'BackendDefined', t: 0, backend: 2, ServerId: 'i-c', Port: 443 } },
  {
    kind: 'control',
    entry: {
      type: 'ScopeDefined',
      t: 0,
      scope: 0,
      listener: 0,
      source: 'rule',
      rule: { RuleId: 'rule-1', RuleName: 'api', matchKind: 'exact-domain+url' },
      groupId: 'rsp-1',
      groupName: 'api',
      scheduler: 'wrr',
      layer: 7,
      deterministic: true,
      sticky: 'off',
    },
  },
  {
    kind: 'control',
    entry: {
      type: 'ScopeDefined',
      t: 0,
      scope: 1,
      listener: 0,
      source: 'listener-vserver-group',
      rule: null,
      groupId: 'rsp-2',
      groupName: 'web',
      scheduler: 'wrr',
      layer: 7,
      deterministic: true,
      sticky: 'insert',
    },
  },
  {
    kind: 'control',
    entry: {
      type: 'ScopeDefined',
      t: 0,
      scope: 2,
      listener: 0,
      source: 'default-pool',
      rule: null,
      groupId: null,
      groupName: 'default',
      scheduler: 'wrr',
      layer: 7,
      deterministic: true,
      sticky: 'off',
    },
  },
  {
    kind: 'control',
    entry: {
      type: 'ScopeDefined',
      t: 0,
      scope: 3,
      listener: 1,
      source: 'master-slave',
      rule: null,
      groupId: 'rsp-ms',
      groupName: 'ms',
      scheduler: 'wrr',
      layer: 4,
      deterministic: true,
      sticky: 'off',
    },
  },
  {
    kind: 'control',
    entry: {
      type: 'EpochStarted',
      t: 0,
      scope: 0,
      epoch: 0,
      members: [
        { backend: 0, Weight: 100, eligible: true },
        { backend: 1, Weight: 0, eligible: false },
      ],
      cycleLength: 1,
      cause: 'start',
    },
  },
  {
    kind: 'control',
    entry: {
      type: 'TopologyApplied',
      t: 0,
      action: 'SetBackendServers',
      params: { LoadBalancerId: 'lb-1', BackendServers: [{ ServerId: 'i-a', Weight: '100' }] },
      response: { RequestId: 'r-1' },
    },
  },
  routed(0, 0, 0, 0, 0, OUTCOME_OK, 1, AWAIT),
  routed(1, 0, 1, 1, 1, OUTCOME_OK, 1, FLAG_STICKY | FLAG_COOKIE_ISSUED, 1, 3),
  routed(2, 0, 0, 2, -1, OUTCOME_NO_BACKEND, 0, 0),
  routed(3, 2, 0, -1, -1, OUTCOME_LISTENER_STOPPED, 0, 0),
  routed(4, -1, 0, -1, -1, OUTCOME_NO_LISTENER, 0, 0),
  {
    kind: 'control',
    entry: {
      type: 'TopologyRejected',
      t: 4500,
      action: 'DeleteRules',
      code: 'RuleNotExist',
      message: 'no rule',
    },
  },
  {
    kind: 'control',
    entry: { type: 'FaultInjected', t: 4600, fault: 'BackendFailed', ServerId: 'i-b', Port: 8080 },
  },
  routed(5, 0, 0, 0, 1, OUTCOME_BACKEND_ERROR, 2, FLAG_RETRIED),
  routed(6, 1, 2, 3, 2, OUTCOME_OK, 1, AWAIT, 2, 1),
  { kind: 'completed', t: 6250, id: 6, scope: 3, backend: 2, latency: 250 },
  { kind: 'control', entry: { type: 'HealthChanged', t: 6500, scope: 0, backend: 1, healthy: false } },
  routed(7, 1, 2, 3, 2, OUTCOME_BACKEND_ERROR, 1, 0),
  routed(8, 0, 0, 0, 0, OUTCOME_OK, 1, AWAIT),
  { kind: 'attemptFailed', t: 9000, id: 9, scope: 0, backend: 1, node: 0, worker: 0 },
  routed(9, 0, 0, 0, 0, OUTCOME_OK, 2, AWAIT | FLAG_RETRIED),
  { kind: 'completed', t: 9300, id: 9, scope: 0, backend: 0, latency: 300 },
  { kind: 'completed', t: 9500.5, id: 0, scope: 0, backend: 0, latency: 9500.5 },
  { kind: 'control', entry: { type: 'RunFinished', t: 10000, requests: 10, partial: false } },
];

/** The fixture as journal batches of `capacity` rows (the last one shorter). */
export function fixtureBatches(capacity = 4, rows: readonly Row[] = FIXTURE_ROWS): JournalBatch[] {
  const batches: JournalBatch[] = [];
  let b = new JournalBatch(capacity);
  for (const r of rows) {
    if (r.kind === 'control') b.pushControl(r.entry);
    else if (r.kind === 'completed')
      b.pushCompleted({ t: r.t, id: r.id, scope: r.scope, backend: r.backend, latency: r.latency });
    else if (r.kind === 'attemptFailed')
      b.pushAttemptFailed({
        t: r.t,
        id: r.id,
        scope: r.scope,
        backend: r.backend,
        node: r.node,
        worker: r.worker,
      });
    else
      b.pushRouted({
        t: r.t,
        id: r.id,
        listener: r.listener,
        template: r.template,
        clientIp: ipToNumber(r.ip)!,
        clientPort: r.port,
        node: r.node,
        worker: r.worker,
        scope: r.scope,
        backend: r.backend,
        outcome: r.outcome,
        attempts: r.attempts,
        flags: r.flags,
      });
    if (b.full) {
      batches.push(b);
      b = new JournalBatch(capacity);
    }
  }
  if (b.n > 0) batches.push(b);
  return batches;
}

/** The fixture with its RunFinished marked partial (an interrupted run). */
export const INTERRUPTED_ROWS: readonly Row[] = FIXTURE_ROWS.map((r) =>
  r.kind === 'control' && r.entry.type === 'RunFinished' ? { ...r, entry: { ...r.entry, partial: true } } : r,
);

const base = (id: number) => ({ t: id * 1000, id, clientIp: `10.0.0.${id + 1}`, clientPort: 40000 + id });
const API = { host: 'api.example.com', path: '/v1/items', method: 'GET' };
const RULE1 = {
  RuleId: 'rule-1',
  RuleName: 'api',
  matchKind: 'exact-domain+url' as const,
  source: 'rule' as const,
  VServerGroupId: 'rsp-1',
};
const NO_SCOPE = { RuleId: null, RuleName: null, matchKind: null, source: null, VServerGroupId: null };

function rec(r: Omit<RecordRow, 't' | 'id' | 'clientIp' | 'clientPort'> & { id: number }): RecordRow {
  const { id, ...rest } = r;
  const b = base(id);
  return {
    t: b.t,
    id,
    listener: rest.listener,
    clientIp: b.clientIp,
    clientPort: b.clientPort,
    host: rest.host,
    path: rest.path,
    method: rest.method,
    node: rest.node,
    worker: rest.worker,
    RuleId: rest.RuleId,
    RuleName: rest.RuleName,
    matchKind: rest.matchKind,
    source: rest.source,
    VServerGroupId: rest.VServerGroupId,
    ServerId: rest.ServerId,
    Port: rest.Port,
    outcome: rest.outcome,
    status: rest.status,
    attempts: rest.attempts,
    sticky: rest.sticky,
    latency: rest.latency,
  };
}

/** The record rows the fixture gives, in the order writers emit them. */
export const FIXTURE_RECORDS: readonly RecordRow[] = [
  rec({
    id: 1,
    listener: 'lb-1:http:80',
    host: 'a,"b"',
    path: '/x\ny',
    method: 'POST',
    node: 1,
    worker: 3,
    RuleId: null,
    RuleName: null,
    matchKind: null,
    source: 'listener-vserver-group',
    VServerGroupId: 'rsp-2',
    ServerId: 'i-b',
    Port: 8080,
    outcome: 'ok',
    status: 200,
    attempts: 1,
    sticky: true,
    latency: null,
  }),
  rec({
    id: 2,
    listener: 'lb-1:http:80',
    ...API,
    node: 0,
    worker: 0,
    RuleId: null,
    RuleName: null,
    matchKind: null,
    source: 'default-pool',
    VServerGroupId: null,
    ServerId: null,
    Port: null,
    outcome: 'no-eligible-backend',
    status: 503,
    attempts: 0,
    sticky: false,
    latency: null,
  }),
  rec({
    id: 3,
    listener: 'lb-1:http:8080',
    ...API,
    node: 0,
    worker: 0,
    ...NO_SCOPE,
    ServerId: null,
    Port: null,
    outcome: 'listener-stopped',
    status: null,
    attempts: 0,
    sticky: false,
    latency: null,
  }),
  rec({
    id: 4,
    listener: null,
    ...API,
    node: 0,
    worker: 0,
    ...NO_SCOPE,
    ServerId: null,
    Port: null,
    outcome: 'no-such-listener',
    status: null,
    attempts: 0,
    sticky: false,
    latency: null,
  }),
  rec({
    id: 5,
    listener: 'lb-1:http:80',
    ...API,
    node: 0,
    worker: 0,
    ...RULE1,
    ServerId: 'i-b',
    Port: 8080,
    outcome: 'backend-error',
    status: 502,
    attempts: 2,
    sticky: false,
    latency: null,
  }),
  rec({
    id: 6,
    listener: 'lb-1:tcp:443',
    host: '',
    path: '',
    method: '',
    node: 2,
    worker: 1,
    RuleId: null,
    RuleName: null,
    matchKind: null,
    source: 'master-slave',
    VServerGroupId: 'rsp-ms',
    ServerId: 'i-c',
    Port: 443,
    outcome: 'ok',
    status: null,
    attempts: 1,
    sticky: false,
    latency: 250,
  }),
  rec({
    id: 7,
    listener: 'lb-1:tcp:443',
    host: '',
    path: '',
    method: '',
    node: 0,
    worker: 0,
    RuleId: null,
    RuleName: null,
    matchKind: null,
    source: 'master-slave',
    VServerGroupId: 'rsp-ms',
    ServerId: 'i-c',
    Port: 443,
    outcome: 'backend-error',
    status: null,
    attempts: 1,
    sticky: false,
    latency: null,
  }),
  rec({
    id: 9,
    listener: 'lb-1:http:80',
    ...API,
    node: 0,
    worker: 0,
    ...RULE1,
    ServerId: 'i-a',
    Port: 80,
    outcome: 'ok',
    status: 200,
    attempts: 2,
    sticky: false,
    latency: 300,
  }),
  rec({
    id: 0,
    listener: 'lb-1:http:80',
    ...API,
    node: 0,
    worker: 0,
    ...RULE1,
    ServerId: 'i-a',
    Port: 80,
    outcome: 'ok',
    status: 200,
    attempts: 1,
    sticky: false,
    latency: 9500.5,
  }),
  rec({
    id: 8,
    listener: 'lb-1:http:80',
    ...API,
    node: 0,
    worker: 0,
    ...RULE1,
    ServerId: 'i-a',
    Port: 80,
    outcome: 'ok',
    status: 200,
    attempts: 1,
    sticky: false,
    latency: null,
  }),
];
