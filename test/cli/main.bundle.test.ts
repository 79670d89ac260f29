/**
 * The bundled CLI (`dist/bin/`, what `npx slbsim` runs: npm run build bundles it with esbuild) gives
 * what the sources give: the same report, and its worker threads (shards, sweeps, log pieces) load
 * from beside it. Skipped with a notice when the package is not built.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { simulateScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';

const BIN = 'dist/bin/main.js';
const built = existsSync(BIN);
if (!built) console.warn(`notice: ${BIN} is not built (npm run build): the bundled CLI is not tested`);

function slbsim(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe.runIf(built)('the bundled CLI (dist/bin/main.js)', () => {
  it('prints the package version', () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    expect(slbsim('--version')).toBe(`${version}\n`);
  });

  it('runs a scenario to the report the sources give, byte for byte', async () => {
    const file = 'scenarios/seed-case.yaml';
    const one = await simulateScenario(loadChecked(file, {}), { label: file });
    expect(slbsim('run', file, '--format', 'json')).toBe(renderReport(one, 'json'));
  });

  it('runs the shards on its worker threads (run --workers 2) to the one-thread report', async () => {
    const file = 'bench/engine-10m.yaml';
    const one = await simulateScenario(loadChecked(file, { requests: 30_000 }), { label: file });
    const two = slbsim('run', file, '--requests', '30000', '--workers', '2', '--format', 'json');
    expect(two).toBe(renderReport(one, 'json'));
  });

  it('sweeps on its worker threads to the spread of one thread', () => {
    const args = [
      'sweep',
      'scenarios/tcp-consistent-hash.yaml',
      '--seeds',
      '1..3',
      '--format',
      'json',
      '--quiet',
    ];
    expect(slbsim(...args, '--workers', '2')).toBe(slbsim(...args, '--workers', '1'));
  });

  it('reads a log on two threads (logs --threads 2) as on one', () => {
    // The sample log disagrees with its scenario on purpose: exit 1, the same report either way.
    const args = [
      'logs',
      'scenarios/access-log-check.yaml',
      'scenarios/logs/access-log-check.jsonl',
      '--format',
      'json',
    ];
    const logs = (threads: string) => {
      const r = spawnSync(process.execPath, [BIN, ...args, '--threads', threads], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const two = logs('2');
    expect(two).toEqual(logs('1'));
    expect([two.status, JSON.parse(two.stdout).schema]).toEqual([1, 'slbsim-logs/1']);
  });
});
