import { describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { type ControlEntry, ROW_CONTROL, ROW_ROUTED } from '../../src/journal/journal-rows.js';
import { AFFINITY_IP, AFTER, PlanKeys } from '../../src/plan/plan-keys.js';
import { RowQueue, RunTap } from '../../src/plan/run-tap.js';
import { OUTCOME_OK } from '../../src/routing/outcomes.js';

describe('RowQueue', () => {
  it('keeps request order across wrap-around and growth', () => {
    const q = new RowQueue();
    let next = 0;
    let expected = 0;
    const take = (n: number) => {
      for (let i = 0; i < n; i++) expect(q.id[q.slot(i)]).toBe(expected + i);
      q.shift(n);
      expected += n;
    };
    for (const [push, pop] of [
      [1000, 900],
      [1500, 1000],
      [3000, 2500],
      [10, 1110],
    ]) {
      for (let i = 0; i < push; i++) q.push(next++, next, 0, 0, next, next & 0xffff, 0, 0, 0, 0);
      take(pop);
    }
    expect([q.size, expected, next]).toEqual([0, 5510, 5510]);
  });
});

describe('RunTap', () => {
  it('translates a journal into global indices and keeps the members as they stand at settledUs', () => {
    const keys = new PlanKeys();
    // The other side met another listener and backend first: this run's indices differ.
    keys.listener('lb-0:tcp:1', 0, 0);
    keys.backend('i-0:1', 0, 0);
    const tap = new RunTap(keys, AFTER, 10);
    // Rows written straight into the batch's columns (the journal's contract), not through a writer.
    const b = new JournalBatch(16);
    const control = (e: ControlEntry) => {
      b.kind[b.n] = ROW_CONTROL;
      b.t[b.n] = e.t;
      b.control[b.n++] = e;
    };
    control({ type: 'ListenerDefined', t: 0, listener: 0, key: 'lb-1:tcp:80', layer: 4 });
    control({ type: 'BackendDefined', t: 0, backend: 0, ServerId: 'i-1', Port: 80 });
    control({
      type: 'ScopeDefined',
      t: 0,
      scope: 0,
      listener: 0,
      source: 'listener-vserver-group',
      rule: null,
      groupId: 'rsp-1',
      groupName: 'one',
      scheduler: 'sch',
      layer: 4,
      deterministic: false,
      sticky: 'off',
    });
    const members = (Weight: number) => [{ backend: 0, Weight, eligible: true }];
    control({
      type: 'EpochStarted',
      t: 0,
      scope: 0,
      epoch: 1,
      members: members(5),
      cycleLength: 0,
      cause: 'start',
    });
    control({
      type: 'EpochStarted',
      t: 10,
      scope: 0,
      epoch: 2,
      members: members(6),
      cycleLength: 0,
      cause: 'x',
    });
    control({
      type: 'EpochStarted',
      t: 11,
      scope: 0,
      epoch: 3,
      members: members(7),
      cycleLength: 0,
      cause: 'y',
    });
    const i = b.n++;
    b.kind[i] = ROW_ROUTED;
    [b.t[i], b.id[i], b.listener[i], b.template[i], b.clientIp[i], b.clientPort[i]] = [
      12, 0, 0, 2, 0x0a000001, 40000,
    ];
    [b.scope[i], b.backend[i], b.outcome[i]] = [0, 0, OUTCOME_OK];
    tap.onBatch(b);
    expect(keys.listeners.map((l) => [l.key, l.order])).toEqual([
      ['lb-0:tcp:1', [0, Number.POSITIVE_INFINITY]],
      ['lb-1:tcp:80', [Number.POSITIVE_INFINITY, 0]],
    ]);
    expect(keys.scopes.map((s) => [s.listener, s.groupId, s.defs[AFTER]?.scheduler])).toEqual([
      ['lb-1:tcp:80', 'rsp-1', 'sch'],
    ]);
    expect(tap.settled.get(0)).toEqual([{ backend: 1, Weight: 6, eligible: true }]);
    const q = tap.rows;
    const s = q.slot(0);
    expect([q.size, q.t[s], q.template[s], q.listener[s], q.scope[s], q.backend[s], q.affinity[s]]).toEqual([
      1,
      12,
      2,
      1,
      0,
      1,
      AFFINITY_IP,
    ]);
  });
});
