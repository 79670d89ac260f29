import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findWorkerFile, workerFile } from '../../src/util/worker-file.js';

describe('workerFile', () => {
  const caller = pathToFileURL(resolve('src/scale/shard-pool.ts')).href;

  it('finds the built copy in dist/ for a module run from the sources', () => {
    // Given a caller in src/scale (the test runner's view), when its worker is looked up
    // Then it is dist/scale's, since src/scale holds no .js
    expect(findWorkerFile(caller, 'shard-worker.js')).toBe(resolve('dist/scale/shard-worker.js'));
  });

  it('says where it looked when the worker is not built', () => {
    expect(findWorkerFile(caller, 'no-such-worker.js')).toBeNull();
    expect(() => workerFile(caller, 'no-such-worker.js')).toThrow(
      `the no such worker is not built (no ${join(resolve('src/scale'), 'no-such-worker.js')} nor ${resolve('dist/scale/no-such-worker.js')}): run npm run build`,
    );
  });
});
