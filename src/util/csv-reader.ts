/**
 * RFC 4180 CSV, read as a stream of records from text chunks (see line-reader.ts `textChunks`):
 * quoted fields may hold commas, doubled quotes and line breaks; a record may span chunks. Each
 * record says which fields were quoted (so `""` and an empty field stay distinct), the 1-based
 * column where each field starts, and the 1-based line where the record starts. Blank lines
 * between records are skipped; a CR before a record's LF is dropped.
 *
 * A malformed record is a CsvSyntaxError naming its line and column; the reader then stands at
 * the next line and can be read on (a checker collects every problem in one pass).
 */
import { DEFAULT_MAX_LINE_CHARS } from './line-reader.js';
import { FileError } from './user-error.js';

export interface CsvRecord {
  readonly fields: string[];
  readonly quoted: boolean[];
  /** 1-based column (in its line) where each field starts. */
  readonly cols: number[];
  /** 1-based line where the record starts. */
  readonly line: number;
}

/** A malformed CSV record at `file:line:col`. */
export class CsvSyntaxError extends FileError {
  constructor(file: string, problem: string, line: number, col: number) {
    super(file, problem, line, { col });
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

const START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3;

export class CsvReader implements Iterable<CsvRecord> {
  private readonly chunks: Iterator<string>;
  private chunk = '';
  /** Position in `chunk`, and the absolute offset of `chunk[0]`. */
  private i = 0;
  private base = 0;
  private line = 1;
  /** Absolute offset of the current line's first character. */
  private lineStart = 0;
  private ended = false;
  /**
   * The next double quote and comma in `chunk` at or after where the fast path reads (-1: none
   * left in it), or -2 before a search: each is searched for again only once passed, so a chunk
   * with none (one column, no quotes) is not scanned to its end at every line.
   */
  private quoteAt = -2;
  private commaAt = -2;

  constructor(
    chunks: Iterable<string>,
    private readonly file: string,
    /** A longer field is a CsvSyntaxError rather than buffered without bound. */
    private readonly maxFieldChars: number = DEFAULT_MAX_LINE_CHARS,
  ) {
    this.chunks = chunks[Symbol.iterator]();
  }

  *[Symbol.iterator](): Generator<CsvRecord> {
    for (let rec = this.next(); rec !== undefined; rec = this.next()) yield rec;
  }

  /** The next record, or undefined at the end. */
  next(): CsvRecord | undefined {
    for (;;) {
      const simple = this.simpleLine();
      if (simple === undefined) return this.record();
      if (simple !== null) return simple;
      // A blank line, read past: on to the next.
    }
  }

  /**
   * The fast path: the next line lies whole in this chunk and holds no double quote, so its
   * fields are what lies between its commas — cut by `indexOf`, not read a character at a time.
   * Returns the record, null for a blank line (read past), or undefined when the slow path must
   * read it (a quote, or a line that goes on in the next chunk).
   */
  private simpleLine(): CsvRecord | null | undefined {
    if (this.ended) return undefined;
    const chunk = this.chunk;
    const start = this.i;
    const nl = chunk.indexOf('\n', start);
    if (nl < 0) return undefined;
    if (this.quoteAt !== -1 && this.quoteAt < start) this.quoteAt = chunk.indexOf('"', start);
    if (this.quoteAt !== -1 && this.quoteAt < nl) return undefined;
    let end = nl;
    if (end > start && chunk.charCodeAt(end - 1) === CR) end--;
    const line = this.line;
    this.newLine(nl);
    this.i = nl + 1;
    if (end === start) return null;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    const cols: number[] = [];
    // A record starts a line (the one before ended at its LF): columns count from `start`.
    let from = start;
    for (;;) {
      if (this.commaAt !== -1 && this.commaAt < from) this.commaAt = chunk.indexOf(',', from);
      const comma = this.commaAt;
      const to = comma < 0 || comma > nl ? end : comma;
      fields.push(chunk.slice(from, to));
      quoted.push(false);
      cols.push(from - start + 1);
      if (to === end) break;
      from = to + 1;
    }
    return { fields, quoted, cols, line };
  }

  /** The next record, read a character at a time (quotes, records across chunks). */
  private record(): CsvRecord | undefined {
    // One flat loop with no closures: the fields of the record being read live in locals.
    let state = START;
    let field = '';
    let quoted = false;
    let fields: string[] = [];
    let quotedFlags: boolean[] = [];
    let cols: number[] = [];
    let recordLine = this.line;
    let fieldCol = this.base + this.i - this.lineStart + 1;
    let quoteLine = 0;
    let quoteCol = 0;
    let recordEnd = false;
    while (!this.ended) {
      const chunk = this.chunk;
      const n = chunk.length;
      let i = this.i;
      let seg = i;
      while (i < n) {
        const c = chunk.charCodeAt(i);
        /** A comma or LF ends the field being read. */
        let fieldEnd = false;
        if (state === UNQUOTED) {
          if (c === COMMA || c === LF) {
            field += chunk.slice(seg, i);
            fieldEnd = true;
          } else if (c === QUOTE) {
            throw this.syntax('a double quote inside an unquoted field', i);
          } else i++;
        } else if (state === START) {
          if (c === QUOTE) {
            quoted = true;
            quoteLine = this.line;
            quoteCol = this.base + i - this.lineStart + 1;
            state = QUOTED;
            seg = ++i;
          } else if (c === LF && fields.length === 0) {
            // A blank line between records.
            this.newLine(i);
            recordLine = this.line;
            fieldCol = 1;
            seg = ++i;
          } else {
            state = UNQUOTED;
            seg = i;
          }
        } else if (state === QUOTED) {
          if (c === QUOTE) {
            field += chunk.slice(seg, i);
            state = AFTER_QUOTE;
            seg = ++i;
          } else {
            if (c === LF) this.newLine(i);
            i++;
          }
        } else if (c === QUOTE) {
          field += '"';
          state = QUOTED;
          seg = ++i;
        } else if (c === COMMA || c === LF) {
          fieldEnd = true;
        } else if (c === CR) {
          seg = ++i;
        } else {
          throw this.syntax('unexpected character after a closing quote', i);
        }
        if (fieldEnd) {
          fields.push(field);
          quotedFlags.push(quoted);
          cols.push(fieldCol);
          field = '';
          quoted = false;
          state = START;
          if (c === LF) {
            recordEnd = true;
            break;
          }
          seg = ++i;
          fieldCol = this.base + i - this.lineStart + 1;
        }
      }
      if (recordEnd) {
        // chunk[i] is the record's LF.
        this.newLine(i);
        this.i = i + 1;
        const last = fields.length - 1;
        if (!quotedFlags[last] && fields[last].endsWith('\r')) fields[last] = fields[last].slice(0, -1);
        if (last > 0 || quotedFlags[0] || fields[0] !== '')
          return { fields, quoted: quotedFlags, cols, line: recordLine };
        // A blank line (one empty unquoted field, perhaps a lone CR): read on.
        fields = [];
        quotedFlags = [];
        cols = [];
        recordLine = this.line;
        fieldCol = 1;
        recordEnd = false;
        continue;
      }
      if (state === UNQUOTED || state === QUOTED) {
        field += chunk.slice(seg, n);
        if (field.length > this.maxFieldChars) {
          this.ended = true;
          throw new CsvSyntaxError(
            this.file,
            `field longer than ${this.maxFieldChars} characters`,
            this.line,
            fieldCol,
          );
        }
      }
      this.nextChunk();
    }
    if (state === QUOTED)
      throw new CsvSyntaxError(this.file, 'unterminated quoted field', quoteLine, quoteCol);
    if (state === START && fields.length === 0) return undefined;
    fields.push(field);
    quotedFlags.push(quoted);
    cols.push(fieldCol);
    const last = fields.length - 1;
    if (!quotedFlags[last] && fields[last].endsWith('\r')) fields[last] = fields[last].slice(0, -1);
    if (last === 0 && !quotedFlags[0] && fields[0] === '') return undefined;
    return { fields, quoted: quotedFlags, cols, line: recordLine };
  }

  /** `chunk[i]` is a LF: the next line starts after it. */
  private newLine(i: number): void {
    this.line++;
    this.lineStart = this.base + i + 1;
  }

  private nextChunk(): void {
    this.base += this.chunk.length;
    const r = this.chunks.next();
    if (r.done) {
      this.ended = true;
      this.chunk = '';
    } else this.chunk = r.value;
    this.i = 0;
    this.quoteAt = -2;
    this.commaAt = -2;
  }

  /** The error at `chunk[i]`; the reader skips to the next line, so it can be read on. */
  private syntax(problem: string, i: number): CsvSyntaxError {
    const err = new CsvSyntaxError(this.file, problem, this.line, this.base + i - this.lineStart + 1);
    for (;;) {
      const nl = this.chunk.indexOf('\n', i);
      if (nl >= 0) {
        this.newLine(nl);
        this.i = nl + 1;
        return err;
      }
      this.nextChunk();
      if (this.ended) return err;
      i = 0;
    }
  }
}
