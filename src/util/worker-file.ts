/**
 * Where a worker thread's module is: beside the module that starts it in the built package, or —
 * when that module runs from the TypeScript sources (the test runner) — its built copy in `dist/`,
 * since a worker thread loads plain JavaScript.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The places `name` (e.g. `shard-worker.js`) may be for the module at `moduleUrl`, in order. */
function candidates(moduleUrl: string, name: string): [string, string] {
  const here = dirname(fileURLToPath(moduleUrl));
  return [join(here, name), resolve(here, '../../dist', basename(here), name)];
}

/** The worker module `name` of the caller (`import.meta.url`), or null when it is not built. */
export function findWorkerFile(moduleUrl: string, name: string): string | null {
  return candidates(moduleUrl, name).find((f) => existsSync(f)) ?? null;
}

/** The worker module `name` of the caller (`import.meta.url`); throws when it is not built. */
export function workerFile(moduleUrl: string, name: string): string {
  const found = findWorkerFile(moduleUrl, name);
  if (found !== null) return found;
  const [sibling, built] = candidates(moduleUrl, name);
  const what = name.replace(/\.js$/, '').replace(/-/g, ' ');
  throw new Error(`the ${what} is not built (no ${sibling} nor ${built}): run npm run build`);
}
