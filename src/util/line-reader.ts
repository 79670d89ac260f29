/**
 * Reading a text file as a stream, with bounded memory: its decoded text in chunks (multi-byte
 * characters are never split), or its lines with their 1-based numbers. Every text input of slbsim
 * (journal files, record files, traces) is read through here, synchronously, so a reader can be a
 * plain generator.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { FileError } from './user-error.js';

export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Longest line `LineReader` holds by default (a longer one is a FileReadError). */
export const DEFAULT_MAX_LINE_CHARS = 1 << 26;

/** Why a file could not be read. */
export type FileReadReason = 'not-found' | 'unreadable' | 'line-too-long';

/** A file that cannot be opened or read, or whose line is longer than the reader holds. */
export class FileReadError extends FileError {
  constructor(
    file: string,
    readonly reason: FileReadReason,
    problem: string,
    line?: number,
    /** The operating system's error, when there is one. */
    readonly osError?: Error,
  ) {
    super(file, problem, line);
    this.name = 'FileReadError';
  }
}

function openForReading(path: string): number {
  try {
    return fs.openSync(path, 'r');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'unreadable';
    throw new FileReadError(path, reason, `cannot read: ${(err as Error).message}`, undefined, err as Error);
  }
}

/**
 * The file's text in decoded chunks of about `chunkBytes` bytes. `lineOf()` names the line for a
 * read error (the reader's caller knows where it is).
 */
export function* textChunks(
  path: string,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
  lineOf: () => number | undefined = () => undefined,
): Generator<string> {
  const fd = openForReading(path);
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(chunkBytes);
  // While every chunk so far was ASCII the decoder holds nothing, and an ASCII chunk decodes as
  // Latin-1 (one byte a character, a copy) to the same string.
  let ascii = true;
  try {
    for (;;) {
      let got: number;
      try {
        got = fs.readSync(fd, buf, 0, chunkBytes, null);
      } catch (err) {
        throw new FileReadError(
          path,
          'unreadable',
          `cannot read: ${(err as Error).message}`,
          lineOf(),
          err as Error,
        );
      }
      if (got === 0) break;
      const bytes = buf.subarray(0, got);
      if (ascii && isAscii(bytes)) yield bytes.toString('latin1');
      else {
        ascii = false;
        yield decoder.write(bytes);
      }
    }
    const tail = decoder.end();
    if (tail.length > 0) yield tail;
  } finally {
    fs.closeSync(fd);
  }
}

export interface LineReaderOptions {
  readonly chunkBytes?: number;
  /** A longer line is a FileReadError (`line-too-long`) rather than buffered without bound. */
  readonly maxLineChars?: number;
}

/**
 * The lines of a file, without their `\n` or `\r\n` ending; a last line without an ending is a
 * line too. `line` is the 1-based number of the line last yielded.
 *
 *     const lines = new LineReader(path);
 *     for (const text of lines) use(text, lines.line);
 */
export class LineReader implements Iterable<string> {
  /** 1-based number of the line last yielded (0 before the first). */
  line = 0;

  constructor(
    readonly path: string,
    private readonly options: LineReaderOptions = {},
  ) {}

  *[Symbol.iterator](): Generator<string> {
    const max = this.options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    // The line begun in earlier chunks. Lines are cut from each chunk itself, never from
    // `rest + chunk`: indexOf and slice on that concatenation cost ~7× as much, a line at a time.
    let rest = '';
    for (const chunk of textChunks(this.path, this.options.chunkBytes, () => this.line + 1)) {
      let start = 0;
      let nl = chunk.indexOf('\n');
      if (rest.length > 0) {
        if (nl < 0) {
          rest += chunk;
          this.checkLength(rest, max);
          continue;
        }
        const text = rest + chunk.slice(0, nl);
        rest = '';
        this.line++;
        yield text.endsWith('\r') ? text.slice(0, -1) : text;
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      for (; nl >= 0; nl = chunk.indexOf('\n', start)) {
        const end = nl > start && chunk.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        this.line++;
        yield chunk.slice(start, end);
        start = nl + 1;
      }
      rest = chunk.slice(start);
      this.checkLength(rest, max);
    }
    if (rest.length > 0) {
      this.line++;
      yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    }
  }

  /** The unfinished line `rest` is refused once longer than `max`. */
  private checkLength(rest: string, max: number): void {
    if (rest.length > max)
      throw new FileReadError(
        this.path,
        'line-too-long',
        `line longer than ${max} characters`,
        this.line + 1,
      );
  }
}
