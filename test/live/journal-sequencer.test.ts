import { describe, expect, it } from 'vitest';
import type { JournalBatch, JournalSink } from '../../src/journal/journal-batch.js';
import { ROW_COMPLETED, ROW_CONTROL, ROW_ROUTED } from '../../src/journal/journal-rows.js';
import { JournalSequencer } from '../../src/live/journal-sequencer.js';
import { OUTCOME_OK } from '../../src/routing/outcomes.js';

/** Collects rows as `kind:id` (routed/completed) or `c:<type>` strings. */
class Rows implements JournalSink {
  rows: string[] = [];
  ended = 0;
  onBatch(b: JournalBatch): void {
    for (let i = 0; i < b.n; i++) {
      if (b.kind[i] === ROW_CONTROL) this.rows.push(`c:${b.control[i]!.type}`);
      else if (b.kind[i] === ROW_ROUTED) this.rows.push(`r:${b.id[i]}:${b.backend[i]}`);
      else if (b.kind[i] === ROW_COMPLETED) this.rows.push(`d:${b.id[i]}:${b.latency[i]}`);
    }
  }
  onEnd(): void {
    this.ended++;
  }
}

const epoch = (t: number) => ({
  type: 'EpochStarted' as const,
  t,
  scope: 0,
  epoch: 1,
  members: [],
  cycleLength: 0,
  cause: 'x',
});

function fill(j: JournalSequencer, seq: number, id: number, backend: number): void {
  j.routed(seq, {
    t: id,
    id,
    listener: 0,
    template: 0,
    clientIp: 0,
    clientPort: 0,
    node: 0,
    worker: 0,
    scope: 0,
    backend,
    outcome: OUTCOME_OK,
    attempts: 1,
    flags: 0,
  });
}

describe('JournalSequencer', () => {
  it('given rows filled out of order, then they leave in reservation order and never pass a later control row', () => {
    const sink = new Rows();
    const j = new JournalSequencer([sink]);
    const a = j.reserve();
    const b = j.reserve();
    j.control(epoch(5));
    const c = j.reserve();
    fill(j, c, 3, 30);
    fill(j, b, 2, 20);
    j.completed({ t: 9, id: 2, scope: 0, backend: 20, latency: 7 });
    j.flush();
    expect(sink.rows).toEqual([]);
    expect(j.pending).toBe(1);
    fill(j, a, 1, 10);
    j.flush();
    expect(sink.rows).toEqual(['r:1:10', 'r:2:20', 'c:EpochStarted', 'r:3:30', 'd:2:7']);
  });

  it('given rows still open at the end, then they are dropped and counted, and the sinks end once', () => {
    const sink = new Rows();
    const j = new JournalSequencer([sink]);
    j.reserve();
    const b = j.reserve();
    fill(j, b, 2, 20);
    j.end();
    j.end();
    expect(sink.rows).toEqual(['r:2:20']);
    expect(j.dropped).toBe(1);
    expect(sink.ended).toBe(1);
  });

  it('grows past its initial ring without losing order', () => {
    const sink = new Rows();
    const j = new JournalSequencer([sink]);
    const first = j.reserve();
    const seqs: number[] = [];
    for (let i = 1; i < 5000; i++) seqs.push(j.reserve());
    for (const [i, s] of seqs.entries()) fill(j, s, i + 1, i + 1);
    fill(j, first, 0, 0);
    j.end();
    expect(sink.rows).toHaveLength(5000);
    expect(sink.rows.slice(0, 3)).toEqual(['r:0:0', 'r:1:1', 'r:2:2']);
    expect(sink.rows[4999]).toBe('r:4999:4999');
    expect(j.routedRows).toBe(5000);
  });
});
