/** Output paths are checked before any work starts: every problem one line naming the flag. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPaths, type OutputPaths } from '../../src/cli/output-paths.js';
import { UserError } from '../../src/util/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenario = join(dir, 's.yaml');
writeFileSync(scenario, 'name: s\n');
mkdirSync(join(dir, 'reports'));
symlinkSync(scenario, join(dir, 'link.yaml'));

function problemsOf(paths: OutputPaths): readonly string[] {
  try {
    checkOutputPaths(paths);
    return [];
  } catch (err) {
    if (err instanceof UserError) return err.problems;
    throw err;
  }
}

describe('checkOutputPaths', () => {
  it('accepts distinct new files and an existing or new --out directory', () => {
    expect(
      problemsOf({
        record: join(dir, 'r.parquet'),
        journal: join(dir, 'j.jsonl'),
        out: join(dir, 'reports'),
        inputs: [['the scenario file', scenario]],
      }),
    ).toEqual([]);
    expect(problemsOf({ out: join(dir, 'new', 'dir') })).toEqual([]);
  });

  it('refuses a --journal that is another output’s .partial', () => {
    expect(problemsOf({ record: join(dir, 'x.jsonl'), journal: join(dir, 'x.jsonl.partial') })).toEqual([
      `--record and --journal: both name ${join(dir, 'x.jsonl')} (or its .partial); give two different files`,
    ]);
  });

  it('sees through symbolic links and relative paths to an input', () => {
    expect(problemsOf({ record: join(dir, 'link.yaml'), inputs: [['the scenario file', scenario]] })).toEqual(
      [
        `--record: ${join(dir, 'link.yaml')} is the scenario file (${scenario}); writing there would overwrite the input`,
      ],
    );
  });

  it('refuses a trace file as an output and lists every problem', () => {
    const trace = join(dir, 't.ndjson');
    expect(
      problemsOf({
        out: scenario,
        journal: trace,
        inputs: [['the trace file', trace]],
      }),
    ).toEqual([
      `--out: ${scenario} exists and is not a directory (--out names a directory for the report files)`,
      `--journal: ${trace} is the trace file (${trace}); writing there would overwrite the input`,
    ]);
  });
});
