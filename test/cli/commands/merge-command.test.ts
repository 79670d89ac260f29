import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register as mergeCommand } from '../../../src/cli/commands/merge-command.js';
import { register as runCmd } from '../../../src/cli/commands/run-command.js';
import { runCommand } from '../../helpers/cli.js';

const examples = fs
  .readdirSync('scenarios')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => `scenarios/${f}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slbsim-merge-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  runCommand((p) => {
    runCmd(p);
    mergeCommand(p);
  }, args);

describe('slbsim merge: shards fold into the unsharded run, byte for byte (docs/SCALE.md)', () => {
  it.each(examples)('%s in 2 and 3 shards, from report.json files and from journals', async (file) => {
    const whole = await cli('run', file, '--format', 'json', '--quiet');
    expect(whole.code).toBeLessThanOrEqual(1);
    for (const n of [2, 3]) {
      const reports: string[] = [];
      const journals: string[] = [];
      for (let k = 0; k < n; k++) {
        const dir = path.join(tmp, `${path.basename(file)}-${n}-${k}`);
        const journal = `${dir}.jsonl`;
        const shard = await cli(
          'run',
          file,
          '--shard',
          `${k}/${n}`,
          '--out',
          dir,
          '--journal',
          journal,
          '--quiet',
        );
        // A shard checks no expectations: it holds part of the run.
        expect(shard.code).toBe(0);
        reports.push(path.join(dir, 'report.json'));
        journals.push(journal);
      }
      const merged = await cli('merge', ...reports.reverse(), '--format', 'json');
      expect(merged.stdout).toBe(whole.stdout);
      expect(merged.code).toBe(whole.code);
      const fromJournals = await cli('merge', ...journals, '--format', 'json');
      expect(fromJournals.stdout).toBe(whole.stdout);
    }
  });

  it('refuses an incomplete, doubled or mixed set of shards with exit 2', async () => {
    const file = 'scenarios/seed-case.yaml';
    const shard = async (spec: string, seed = '42') => {
      const j = path.join(tmp, `bad-${spec.replace('/', 'of')}-${seed}.jsonl`);
      await cli('run', file, '--shard', spec, '--seed', seed, '--journal', j, '--quiet');
      return j;
    };
    const a = await shard('0/2');
    const b = await shard('1/2', '7');
    const c = await shard('0/3');
    expect(await cli('merge', a)).toMatchObject({ code: 2, stderr: 'slbsim merge: shard 1/2 missing\n' });
    expect(await cli('merge', a, a)).toMatchObject({
      code: 2,
      stderr: 'slbsim merge: shard 0/2 is given twice\n',
    });
    expect((await cli('merge', a, b)).stderr).toBe(
      'slbsim merge: the shards come from different runs (RunStarted differs)\n',
    );
    expect((await cli('merge', a, c)).stderr).toBe('slbsim merge: shard 0/3 is of another cut than 0/2\n');
    const whole = path.join(tmp, 'whole');
    await cli('run', file, '--out', whole, '--quiet');
    expect((await cli('merge', path.join(whole, 'report.json'))).stderr).toMatch(
      /report\.json: not the report of a shard/,
    );
  });

  it('refuses a bad --shard, and --workers with files that belong to one run', async () => {
    expect((await cli('run', 'scenarios/seed-case.yaml', '--shard', '2/2')).stderr).toBe(
      '--shard: expected K/N with 0 ≤ K < N ≤ 4096 (shard K of N, counted from 0, e.g. 0/4), got "2/2"\n',
    );
    const r = await cli(
      'run',
      'scenarios/seed-case.yaml',
      '--workers',
      '2',
      '--journal',
      path.join(tmp, 'x.jsonl'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--workers 2: --journal writes one shard's or one run's files/);
  });
});
