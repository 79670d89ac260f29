/**
 * Routed rows carry the request's id, template, client and attempts only when a consumer of the
 * journal reads them: a run that only reports leaves them unwritten, and its report is the same.
 */
import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import type { JournalBatch, JournalSink } from '../../src/journal/journal-batch.js';
import { ROW_ROUTED } from '../../src/journal/journal-rows.js';
import { CORE_ROUTED_COLUMNS, type ColumnName } from '../../src/journal/row-columns.js';
import { replayScenario } from '../../src/pipeline/replay.js';

const scenario = loadChecked('scenarios/seed-case.yaml', { requests: 300 });

/** A sink that keeps the id and client port of every routed row, saying it reads `reads`. */
function keeper(reads: readonly ColumnName[] | undefined): JournalSink & { ids: number[]; ports: number[] } {
  const ids: number[] = [];
  const ports: number[] = [];
  return {
    ...(reads === undefined ? {} : { reads }),
    ids,
    ports,
    onBatch(b: JournalBatch) {
      for (let i = 0; i < b.n; i++)
        if (b.kind[i] === ROW_ROUTED) {
          ids.push(b.id[i]);
          ports.push(b.clientPort[i]);
        }
    },
  };
}

describe('routed columns a run writes', () => {
  it('given a sink that reads only the core columns, when the run replays, then ids and clients are left unwritten', async () => {
    const sink = keeper(CORE_ROUTED_COLUMNS);
    await replayScenario(scenario, { sinks: [sink] });
    expect(sink.ids).toHaveLength(300);
    expect(sink.ids.every((id) => id === 0)).toBe(true);
    expect(sink.ports.every((p) => p === 0)).toBe(true);
  });

  it('given a sink that reads ids (or says nothing), when the run replays, then every routed row carries them', async () => {
    for (const reads of [['id'] as ColumnName[], undefined]) {
      const sink = keeper(reads);
      await replayScenario(scenario, { sinks: [sink] });
      expect(sink.ids).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(sink.ports.some((p) => p !== 0)).toBe(true);
    }
  });

  it('given either way, then the report is the same', async () => {
    const lean = await replayScenario(scenario, { sinks: [keeper(CORE_ROUTED_COLUMNS)] });
    const full = await replayScenario(scenario, { sinks: [keeper(undefined)] });
    expect(JSON.stringify(lean.report)).toBe(JSON.stringify(full.report));
    expect(JSON.stringify(lean.state)).toBe(JSON.stringify(full.state));
  });
});
