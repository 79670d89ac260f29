import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { RequestDraw } from '../../src/engine/client-draw.js';
import { BoardReader, boardSeated, createDrawBoard } from '../../src/engine/draw-board.js';
import { arrivalSource } from '../../src/engine/run-start.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';

/** Every arrival of a run as the engine draws it on one thread: id, time, template, client. */
function reference(scenario: Scenario, seed: string, requests: number): number[][] {
  const source = arrivalSource(scenario, seed, requests);
  const draw = new RequestDraw(scenario, seed, source.mix!);
  const until = scenario.simulation.until ?? Number.POSITIVE_INFINITY;
  const out: number[][] = [];
  for (
    let t = source.arrivals!.next();
    t !== Number.POSITIVE_INFINITY && t <= until;
    t = source.arrivals!.next()
  ) {
    draw.draw();
    out.push([out.length, t, draw.template, draw.clientIp, draw.clientPort]);
  }
  return out;
}

function drain(reader: BoardReader): number[][] {
  const out: number[][] = [];
  for (let t = reader.next(); t !== Number.POSITIVE_INFINITY; t = reader.next())
    out.push([reader.id, t, reader.template, reader.clientIp, reader.clientPort]);
  return out;
}

describe('BoardReader', () => {
  it.each([
    [8192 * 2, 'ends on a chunk boundary'],
    [8192 * 2 + 1, 'ends one past a chunk'],
    [20_000, 'ends inside a chunk'],
  ])('on a board of one shard gives every arrival of the run in order (%i requests: %s)', (requests) => {
    // Given the benchmark model and a board whose one shard draws both streams
    const scenario = loadChecked('bench/engine-10m.yaml', { requests });
    const board = createDrawBoard(1, [1]);
    // When the shard reads the board to its end
    const got = drain(new BoardReader(board, 0, scenario, { seed: scenario.seed, requests }));
    // Then it read the arrivals the engine draws on one thread: same ids, times, templates, clients
    expect(got.length).toBe(requests);
    expect(got).toEqual(reference(scenario, scenario.seed, requests));
  });

  it('stops at simulation.until like the engine', () => {
    // Given a run cut by time at 0.15 s (about 15 000 arrivals at 100 000/s)
    const base = loadChecked('bench/engine-10m.yaml', { requests: 50_000 });
    const scenario = { ...base, simulation: { ...base.simulation, until: 150_000 } };
    const got = drain(new BoardReader(createDrawBoard(1, [1]), 0, scenario, { seed: 'u', requests: 50_000 }));
    // Then the last arrival is the last at or before `until`
    const expected = reference(scenario, 'u', 50_000);
    expect(got).toEqual(expected);
    expect(got.at(-1)![1]).toBeLessThanOrEqual(150_000);
    expect(expected.length).toBeGreaterThan(10_000);
  });

  it('gives the drawing of the times to the least loaded shard and of the mix to the next', () => {
    expect(createDrawBoard(3, [0.5, 0.2, 0.3])).toMatchObject({ shards: 3, times: 1, mix: 2 });
    expect(createDrawBoard(2, [0.4, 0.4])).toMatchObject({ times: 0, mix: 1 });
    expect(createDrawBoard(1, [1])).toMatchObject({ times: 0, mix: 0 });
  });

  it('counts the shards that sit at the board, and boardSeated resolves once they all do', async () => {
    // Given a board of three shards, one of them seated
    const scenario = loadChecked('bench/engine-10m.yaml', { requests: 100 });
    const board = createDrawBoard(3, [1, 1, 1]);
    const seat = (shard: number) =>
      new BoardReader(board, shard, scenario, { seed: scenario.seed, requests: 100 });
    seat(1);
    let done = false;
    const waiting = boardSeated(board, 2).then(() => {
      done = true;
    });
    // When nobody else sits down yet, then the wait is still pending
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    // When the second shard sits down, then it resolves
    seat(2);
    await waiting;
    expect(done).toBe(true);
  });

  it('boardSeated gives up waiting when the run is stopped', async () => {
    // Given a board nobody sits at, and a stop flag set (a failed worker, Ctrl-C)
    const board = createDrawBoard(2, [1, 1]);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);
    // When this thread waits for one seat, then the wait ends at once
    await expect(boardSeated(board, 1, stop)).resolves.toBeUndefined();
  });
});
