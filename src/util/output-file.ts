/**
 * Output files that never look complete before they are: every record and journal file is
 * written to `<file>.partial` and renamed to `<file>` only when the run finished normally. An
 * interrupted run (Ctrl-C: RunFinished with `partial: true`) or a failed one leaves its rows in
 * `<file>.partial`, every line whole, and no `<file>`; a stale `<file>` from an earlier run is
 * removed when the new one is opened, so it cannot be mistaken for this run's output.
 *
 * `TextOutputFile` buffers text and writes it with `fs.writeSync` in large chunks, only at line
 * boundaries: callers append whole lines, so whatever reached the disk ends with a newline.
 *
 * A write that fails (a full disk: ENOSPC, an I/O error, a file-size limit) is an
 * `OutputWriteError`: the file is first cut back to the end of its last whole line (a failed
 * write may have put part of a chunk on disk), stays at `<file>.partial`, and every later write
 * throws the same error; `close()` then only closes it.
 */
import fs from 'node:fs';
import { FileError } from './user-error.js';

/** Writing an output file failed; the file was cut back to its last whole line (or row group). */
export class OutputWriteError extends FileError {
  constructor(
    /** The file written (`<file>.partial`). */
    file: string,
    /** The system error code (ENOSPC, EIO, EFBIG, …). */
    override readonly code: string,
    /** What the file keeps, e.g. "its rows up to the last whole line". */
    kept: string,
  ) {
    super(file, `cannot write: ${code}${describeCode(code)}; the file keeps ${kept}`);
    this.name = 'OutputWriteError';
  }
}

const CODE_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EBADF: 'bad file descriptor',
};

function describeCode(code: string): string {
  const text = CODE_TEXT[code];
  return text === undefined ? '' : ` (${text})`;
}

/** The errno code of a system error (`ENOSPC`), or undefined for anything else. */
export function systemErrorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

export const PARTIAL_SUFFIX = '.partial';

export function partialPathOf(path: string): string {
  return path + PARTIAL_SUFFIX;
}

/** Remove a stale `<file>` and `<file>.partial`; returns the path to write to. */
export function prepareOutput(path: string): string {
  const partial = partialPathOf(path);
  for (const p of [path, partial]) {
    try {
      fs.rmSync(p, { force: true });
    } catch (err) {
      throw new FileError(p, `cannot replace the existing file: ${(err as Error).message}`);
    }
  }
  return partial;
}

/** Rename `<file>.partial` to `<file>` (complete) or leave it; returns where the output now is. */
export function settleOutput(path: string, complete: boolean): string {
  const partial = partialPathOf(path);
  if (!complete) return partial;
  fs.renameSync(partial, path);
  return path;
}

const BUFFER_BYTES = 1 << 20;

/** A buffered, synchronous, line-oriented text file written through `<file>.partial`. */
export class TextOutputFile {
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private closed = false;
  /** Bytes on disk, every one of them in a whole line. */
  private committed = 0;
  /** Set once a write failed; every later write throws it. */
  failure: OutputWriteError | undefined;
  /** Where the output is after `close()`: `<file>` when complete, else `<file>.partial`. */
  location: string;

  constructor(readonly path: string) {
    this.location = prepareOutput(path);
    try {
      this.fd = fs.openSync(this.location, 'w');
    } catch (err) {
      throw new FileError(path, `cannot create: ${(err as Error).message}`);
    }
  }

  /** Append text made of whole lines (it must end with `\n`). */
  write(text: string): void {
    if (this.failure) throw this.failure;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.used + text.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (text.length * 3 > BUFFER_BYTES) {
        this.writeOut(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** Write what is buffered (always whole lines). */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.writeOut(this.buf.subarray(0, n));
  }

  /**
   * Flush, close, and rename to the final name when `complete`. Idempotent. After a failed
   * write the file is only closed (it stays `<file>.partial`); a failure of the last flush throws
   * its OutputWriteError after closing.
   */
  close(complete: boolean): string {
    if (this.closed) return this.location;
    this.closed = true;
    let failed = this.failure !== undefined;
    try {
      if (!failed) this.flush();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      fs.closeSync(this.fd);
      if (!failed) this.location = settleOutput(this.path, complete);
    }
    return this.location;
  }

  /**
   * Write whole lines. On failure, cut the file back to the end of the last whole line that
   * reached the disk (a write may stop part-way through a chunk) and throw.
   */
  private writeOut(bytes: Uint8Array): void {
    let off = 0;
    try {
      while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
      this.committed += bytes.length;
    } catch (err) {
      const code = systemErrorCode(err) ?? 'EIO';
      const lastNewline = bytes.subarray(0, off).lastIndexOf(0x0a);
      this.committed += lastNewline + 1;
      try {
        fs.ftruncateSync(this.fd, this.committed);
      } catch {
        // Cutting back failed as well: what is on disk stays as it is.
      }
      this.failure = new OutputWriteError(this.location, code, 'every whole line written before');
      throw this.failure;
    }
  }
}
