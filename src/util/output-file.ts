/**
 * Output files that never look complete before they are: every record and journal file is
 * written to `<file>.partial` and renamed to `<file>` only when the run finished normally. An
 * interrupted run (Ctrl-C: RunFinished with `partial: true`) or a failed one leaves its rows in
 * `<file>.partial`, every line whole, and no `<file>`; a stale `<file>` from an earlier run is
 * removed when the new one is opened, so it cannot be mistaken for this run's output.
 *
 * `TextOutputFile` buffers text and writes it with `fs.writeSync` in large chunks, only at line
 * boundaries: callers append whole lines, so whatever reached the disk ends with a newline.
 */
import fs from 'node:fs';
import { FileError } from './user-error.js';

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
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.used + text.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (text.length * 3 > BUFFER_BYTES) {
        writeAll(this.fd, Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** Write what is buffered (always whole lines). */
  flush(): void {
    if (this.used === 0) return;
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Flush, close, and rename to the final name when `complete`. Idempotent. */
  close(complete: boolean): string {
    if (this.closed) return this.location;
    this.closed = true;
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
    this.location = settleOutput(this.path, complete);
    return this.location;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}
