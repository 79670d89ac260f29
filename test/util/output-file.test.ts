/**
 * Output files on a full disk (issue 10 §4): a failed write cuts the file back to its last whole
 * line (never a torn fragment), keeps it at `<file>.partial`, and every later write throws the
 * same OutputWriteError.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OutputWriteError, systemErrorCode, TextOutputFile } from '../../src/util/output-file.js';
import { fullDiskAfter } from '../helpers/full-disk.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-output-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let restore: (() => void) | undefined;
afterEach(() => restore?.());

const LINE = `${'x'.repeat(71)}\n`;

describe('TextOutputFile on a full disk', () => {
  it('cuts a chunk that reached the disk in part back to its last whole line (was: a torn 72-byte fragment)', () => {
    const path = join(dir, 'a.jsonl');
    restore = fullDiskAfter(72 * 1000 + 40, (p) => p.startsWith(path));
    const file = new TextOutputFile(path);
    let failure: unknown;
    try {
      for (let i = 0; i < 100_000; i++) file.write(LINE);
      file.close(true);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(OutputWriteError);
    expect((failure as OutputWriteError).code).toBe('ENOSPC');
    expect((failure as Error).message).toBe(
      `${path}.partial: cannot write: ENOSPC (no space left on device); the file keeps every whole line written before`,
    );
    expect(() => file.write(LINE)).toThrow(failure as Error);
    expect(file.close(true)).toBe(`${path}.partial`);
    restore();
    const text = readFileSync(`${path}.partial`, 'utf8');
    expect(text).toBe(LINE.repeat(1000));
    expect(existsSync(path)).toBe(false);
  });

  it('a failure of the last flush, in close(), throws after closing and keeps the .partial', () => {
    const path = join(dir, 'b.jsonl');
    restore = fullDiskAfter(100, (p) => p.startsWith(path));
    const file = new TextOutputFile(path);
    file.write(LINE);
    file.write(LINE);
    expect(() => file.close(true)).toThrow(OutputWriteError);
    expect(file.close(true)).toBe(`${path}.partial`);
    restore();
    expect(readFileSync(`${path}.partial`, 'utf8')).toBe(LINE);
    expect(existsSync(path)).toBe(false);
  });

  it('a complete file is still renamed into place', () => {
    const path = join(dir, 'c.jsonl');
    const file = new TextOutputFile(path);
    file.write(LINE);
    expect(file.close(true)).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe(LINE);
  });

  it('systemErrorCode tells a system error from anything else', () => {
    expect(systemErrorCode(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('ENOSPC');
    expect(systemErrorCode(new Error('x'))).toBeUndefined();
    expect(systemErrorCode(Object.assign(new Error('x'), { code: 'ERR_STREAM_DESTROYED' }))).toBeUndefined();
    expect(systemErrorCode(undefined)).toBeUndefined();
  });
});
