/**
 * Output faults lose nothing and never print a stack (issue 10 §4), and `run`'s flags say what
 * they accept (§3). A full disk is simulated (full-disk.ts) so the tests need no privileges; one
 * regression test per case, named after what it used to do.
 */
import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { action, onStdoutError, stdoutFailureLine, systemErrorLine } from '../../src/cli/command-action.js';
import { register as run } from '../../src/cli/commands/run-command.js';
import { loadChecked, simulate } from '../../src/cli/run-pipeline.js';
import { readRecordFile } from '../../src/record/read.js';
import { runCommand } from '../helpers/cli.js';
import { enospc, fullDiskAfter } from '../helpers/full-disk.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

let n = 0;
const path = (name: string) => join(dir, `${++n}-${name}`);

/** A scenario of `requests` requests over two listeners (a cluster one among them). */
function scenario(requests: number): string {
  const file = path('s.yaml');
  writeFileSync(
    file,
    readFileSync('scenarios/cluster-vs-exact.yaml', 'utf8')
      .replace('{ duration: 60s, arrivalRate: 300 }', `{ duration: ${requests / 1000}s, arrivalRate: 1000 }`)
      .replace(/\nexpect:[\s\S]*$/, '\n'),
  );
  return file;
}
const SMALL = scenario(18_000);
const LARGE = scenario(600_000);

const stderrLines = (s: string) => s.trimEnd().split('\n');

function wholeJsonLines(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('a full disk under --record / --journal', () => {
  it('--record .jsonl: exit 2, one line naming the file and ENOSPC, a partial report, whole lines (was: an ENOSPC stack after a complete report, a torn fragment)', async () => {
    const rec = path('r.jsonl');
    restore = fullDiskAfter(1_500_000, (p) => p.startsWith(rec));
    const r = await runCommand(run, ['run', LARGE, '--record', rec, '--format', 'json']);
    restore();
    expect(r.code).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([
      `--record: ${rec}.partial: cannot write: ENOSPC (no space left on device); the file keeps every whole line written before; the report above is partial`,
    ]);
    expect(JSON.parse(r.stdout).partial).toBe(true);
    expect(existsSync(rec)).toBe(false);
    const rows = wholeJsonLines(`${rec}.partial`);
    expect(rows.length).toBeGreaterThan(1000);
    expect(statSync(`${rec}.partial`).size).toBeLessThanOrEqual(1_500_000);
  });

  it('--journal: the same, and the other files close as partial', async () => {
    const rec = path('r.csv');
    const journal = path('j.jsonl');
    restore = fullDiskAfter(3_000_000, (p) => p.startsWith(journal));
    const r = await runCommand(run, [
      'run',
      LARGE,
      '--record',
      rec,
      '--journal',
      journal,
      '--format',
      'json',
    ]);
    restore();
    expect(r.code).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([
      `partial output kept in ${rec}.partial`,
      `--journal: ${journal}.partial: cannot write: ENOSPC (no space left on device); the file keeps every whole line written before; the report above is partial`,
    ]);
    expect(JSON.parse(r.stdout).partial).toBe(true);
    expect(wholeJsonLines(`${journal}.partial`).length).toBeGreaterThan(1000);
    expect(readFileSync(`${rec}.partial`, 'utf8').endsWith('\n')).toBe(true);
  });

  it('--record .parquet: cut to its complete row groups with a footer, still readable (was: an rxjs unhandled error)', async () => {
    const rec = path('r.parquet');
    restore = fullDiskAfter(500_000, (p) => p.startsWith(rec));
    const r = await runCommand(run, ['run', LARGE, '--record', rec, '--format', 'json']);
    restore();
    expect(r.code).toBe(2);
    const [line] = stderrLines(r.stderr);
    expect(line).toMatch(
      new RegExp(
        `^--record: ${rec}\\.partial: cannot write: ENOSPC \\(no space left on device\\); the file keeps its (\\d+) complete row groups \\((\\d+) rows\\) and a footer; the report above is partial$`,
      ),
    );
    const rows = Number(/\((\d+) rows\)/.exec(line)?.[1]);
    expect(rows % 65_536).toBe(0);
    expect(rows).toBeGreaterThan(0);
    expect([...readRecordFile(`${rec}.partial`)]).toHaveLength(rows);
  });

  it('a failure of the very last write, after the run ended, still fails cleanly', async () => {
    const rec = path('r.jsonl');
    restore = fullDiskAfter(100_000, (p) => p.startsWith(rec));
    const r = await runCommand(run, ['run', SMALL, '--record', rec, '--format', 'json']);
    restore();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--record: ${rec}.partial: cannot write: ENOSPC`);
    expect(JSON.parse(r.stdout).partial).toBe(true);
    expect(existsSync(rec)).toBe(false);
    expect(wholeJsonLines(`${rec}.partial`).length).toBeGreaterThan(0);
  });

  it('--out on a full disk: exit 2, one line naming the report file and ENOSPC (was: an internal error)', async () => {
    const out = path('out');
    mkdirSync(out);
    symlinkSync('/dev/full', join(out, 'report.json.partial'));
    const r = await runCommand(run, ['run', SMALL, '--out', out, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([
      `--out: cannot write ${join(out, 'report.json.partial')}: ENOSPC (no space left on device)`,
    ]);
    expect(JSON.parse(r.stdout).partial).toBe(false);
  });
});

describe('output paths are refused before any work starts', () => {
  it('--out naming an existing file (was: internal error … EEXIST)', async () => {
    const file = path('report');
    writeFileSync(file, 'keep');
    const rec = path('r.jsonl');
    const r = await runCommand(run, ['run', SMALL, '--out', file, '--record', rec]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `--out: ${file} exists and is not a directory (--out names a directory for the report files)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe('keep');
    expect(existsSync(`${rec}.partial`)).toBe(false);
  });

  it('the same path for --record and --journal (was: unhandled ENOENT … rename)', async () => {
    const same = path('same.jsonl');
    const r = await runCommand(run, ['run', SMALL, '--record', same, '--journal', same]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `--record and --journal: both name ${same}; give two different files\n`,
    });
    expect(existsSync(`${same}.partial`)).toBe(false);
  });

  it('--journal equal to the scenario file (was: silently overwrites the input)', async () => {
    const file = scenario(1000);
    const before = readFileSync(file, 'utf8');
    const r = await runCommand(run, ['run', file, '--journal', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `--journal: ${file} is the scenario file (${file}); writing there would overwrite the input\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('SIGTERM is handled as SIGINT', () => {
  it('stops mid-run with a partial report, a RunFinished row and a readable Parquet file; exit 143 (was: no report, no RunFinished, a 0-byte Parquet)', async () => {
    const rec = path('r.parquet');
    const journal = path('j.jsonl');
    const real = fs.writeSync;
    let sent = false;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      // The first flush of the journal happens mid-run: the signal arrives then.
      if (!sent) {
        sent = true;
        process.emit('SIGTERM');
      }
      return (real as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    restore = () => spy.mockRestore();
    const r = await runCommand(run, [
      'run',
      LARGE,
      '--record',
      rec,
      '--journal',
      journal,
      '--format',
      'json',
    ]);
    restore();
    expect(r.code).toBe(143);
    expect(stderrLines(r.stderr)).toEqual([
      `partial output kept in ${rec}.partial`,
      `partial output kept in ${journal}.partial`,
      'interrupted (SIGTERM): the report above is partial',
    ]);
    const report = JSON.parse(r.stdout);
    expect(report.partial).toBe(true);
    expect(report.requests).toBeGreaterThan(0);
    expect(report.requests).toBeLessThan(600_000);
    const last = wholeJsonLines(`${journal}.partial`).pop();
    expect(last).toMatchObject({ type: 'RunFinished', partial: true, requests: report.requests });
    expect([...readRecordFile(`${rec}.partial`)]).toHaveLength(report.requests);
  });

  it('simulate() reports which signal stopped it', async () => {
    let sent = false;
    const result = await simulate(loadChecked(LARGE, {}), {
      slice: 1000,
      sinks: [
        {
          onBatch: () => {
            if (!sent) {
              sent = true;
              process.emit('SIGTERM');
            }
          },
        },
      ],
    });
    expect(result.interrupted).toBe(true);
    expect(result.signal).toBe('SIGTERM');
    expect(result.report.partial).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('flags say what they accept', () => {
  it.each([
    [['--seed', ''], '--seed: expected a seed such as 42 or canary-1, got ""'],
    [
      ['--requests', ' 5 '],
      '--requests: expected a whole number 1–10000000000 in decimal digits (e.g. 5000), got " 5 "',
    ],
    [
      ['--requests', '0x10'],
      '--requests: expected a whole number 1–10000000000 in decimal digits (e.g. 5000), got "0x10"',
    ],
    [
      ['--requests', '1e12'],
      '--requests: expected a whole number 1–10000000000 in decimal digits (e.g. 5000), got "1e12"',
    ],
    [
      ['--requests', '1000000000000'],
      '--requests: expected a whole number 1–10000000000 in decimal digits (e.g. 5000), got "1000000000000"',
    ],
  ])('refuses %j (was: accepted)', async (args, message) => {
    const r = await runCommand(run, ['run', SMALL, ...args]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });
});

describe('an empty scenario is not run', () => {
  it('refuses to run an empty file (was: an empty report, exit 0)', async () => {
    const file = path('empty.yaml');
    writeFileSync(file, '# nothing yet\n');
    expect(await runCommand(run, ['run', file])).toEqual({
      code: 2,
      stdout: '',
      stderr: `${file}:1:1: EmptyScenario Empty scenario: no topology, no events (add instances, topology, events or timeline)\n`,
    });
  });
});

describe('system errors are one line', () => {
  it('> /dev/full: one line naming stdout and ENOSPC, exit 2 (was: an ENOSPC stack)', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as typeof process.exit);
    let stderr = '';
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      onStdoutError(enospc());
      expect(exit).toHaveBeenCalledWith(2);
      expect(stderr).toMatch(
        /^slbsim: cannot write the output to stdout( \([^)]+\))?: ENOSPC \(no space left on device\)\n$/,
      );
      exit.mockClear();
      stderr = '';
      const epipe = Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' });
      onStdoutError(epipe);
      expect(exit).toHaveBeenCalledWith(0);
      expect(stderr).toBe('');
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('a failed write to stdout names what stdout is and the code', () => {
    expect(stdoutFailureLine(enospc(), '/dev/full')).toBe(
      'slbsim: cannot write the output to stdout (/dev/full): ENOSPC (no space left on device)',
    );
  });

  it('a system error escaping a command is one line, exit 2, no stack', async () => {
    const err = Object.assign(new Error("EACCES: permission denied, open '/x/y'"), {
      code: 'EACCES',
      syscall: 'open',
      path: '/x/y',
    });
    expect(systemErrorLine(err)).toBe('slbsim: cannot open /x/y: EACCES (permission denied)');
    const r = await runCommand(
      (p) => {
        p.command('boom').action(
          action(() => {
            throw err;
          }),
        );
      },
      ['boom'],
    );
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'slbsim: cannot open /x/y: EACCES (permission denied)\n',
    });
  });
});
