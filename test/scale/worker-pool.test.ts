import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { shardWorkerFile } from '../../src/scale/shard-pool-start.js';
import { defaultThreads, startWorkerPool } from '../../src/scale/worker-pool.js';

describe('worker pool', () => {
  it('defaults to one thread per core', () => {
    expect(defaultThreads()).toBe(availableParallelism());
  });

  it('starts exactly the threads asked for, at once, and stops them on destroy', async () => {
    // Given a pool of three
    const pool = startWorkerPool(shardWorkerFile(), 3);
    // Then its three threads exist before any task, and none after destroy
    expect(pool.threads.length).toBe(3);
    await pool.destroy();
    expect(pool.threads.length).toBe(0);
  });
});
