/**
 * Streaming reader of CLB layer-7 access logs as SLS exports them: JSON lines (one object per
 * line, every value usually a string) or CSV with a header row. Files are read 256 KiB at a time
 * with synchronous reads, so memory stays bounded whatever the size; `step` reads a slice so the
 * caller can draw a progress bar between slices.
 *
 * Each row is handed to `onRow` in one reused `LogRow` whose text fields are interned ids (see
 * `ByteIntern`). A malformed row goes to `onProblem` as `file:line: CODE message` and is not
 * handed on; the caller counts and reports it (never a silent skip).
 *
 * Why a hand-written scanner: in `npm run bench:logs` (SLS rows of 20 fields, 551 bytes) `JSON.parse`
 * of each line plus reading the 13 fields, and nothing else, ran at about 170 k rows per CPU second;
 * the whole `slbsim logs` check with this scanner — one pass over the bytes that copies out only the
 * fields it needs, no object per row, each key compared with the previous line's key at the same
 * position — at 600–700 k on one thread (same run, BENCHMARKS.md). Anything the scanner does not
 * expect (nested values, a key with an escape) falls back to `JSON.parse` for that line, so it is
 * never less correct. Tried and dropped: searching each key with `Buffer.indexOf` or
 * `String.indexOf` (2–3 times slower: a native call per key, and `"` is too common a first byte);
 * finding the end of a value four bytes at a time (SWAR over an `Int32Array` or a `DataView`: no
 * gain, the values are short); remembering the last interned value (no measurable gain).
 * A byte range of the files can be read (`from`, `to`): a large log is read in pieces on two threads
 * (log-pieces.ts).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ByteIntern } from './byte-intern.js';
import {
  ABSENT,
  FIELD,
  FIELD_KEYS,
  type FieldKey,
  isNoUpstream,
  LogRow,
  lastStatus,
  parseIpv4,
  parseLogTime,
  parseUint,
  pathEnd,
  REQUIRED_FIELDS,
} from './log-fields.js';

export interface LogProblem {
  readonly file: string;
  readonly line: number;
  readonly code: 'LogSyntax' | 'LogField';
  readonly message: string;
}

export function formatLogProblem(p: LogProblem): string {
  return `${p.file}:${p.line}: ${p.code} ${p.message}`;
}

export type LogFormat = 'jsonl' | 'csv';

/** Read buffers of released readers, for the next ones of this thread. */
const SPARE: Buffer[] = [];
const EMPTY = Buffer.alloc(0);
/** The longest line (bytes). */
const CHUNK = 4 << 20;
/**
 * Bytes read at a time: small enough that the bytes just copied in are still in the core's cache
 * when the scanner reads them (with two threads, `read` fell from 9.4 % to 6.7 % of the main
 * thread's samples against 4 MiB reads; BENCHMARKS.md).
 */
const READ = 256 << 10;
const NF = FIELD_KEYS.length;
const F = Object.fromEntries(FIELD_KEYS.map((k, i) => [k, i])) as Record<FieldKey, number>;
const NAME_BYTES = FIELD_KEYS.map((k) => Buffer.from(FIELD[k], 'latin1'));
const BY_NAME = new Map<string, number>(FIELD_KEYS.map((k, i) => [FIELD[k], i]));
// Field indices as constants: `fs[F[k]]` with a variable `k` is a keyed property load on the hot path.
const F_TIME = F.time;
const F_UNIX = F.unixTime;
const F_SLBID = F.slbid;
const F_VPORT = F.vport;
const F_SCHEME = F.scheme;
const F_HTTP_HOST = F.httpHost;
const F_HOST = F.host;
const F_URI = F.uri;
const F_CLIENT_IP = F.clientIp;
const F_CLIENT_PORT = F.clientPort;
const F_UPSTREAM = F.upstream;
const F_STATUS = F.status;
const F_UPSTREAM_STATUS = F.upstreamStatus;
const REQUIRED = Int32Array.from(REQUIRED_FIELDS, (k) => F[k]);
/** Keys remembered per position of the previous JSON line (see `scanJson`). */
const TPL_KEYS = 64;
const TPL_KEY_BYTES = 64;

/** The format a file name implies, else undefined (then the first byte decides). */
export function logFormatOf(file: string): LogFormat | undefined {
  const f = file.toLowerCase();
  if (f.endsWith('.csv')) return 'csv';
  if (/\.(jsonl|ndjson|json|log)$/.test(f)) return 'jsonl';
  return undefined;
}

/** A place in the files given to the reader: file index and byte offset. */
export interface LogPlace {
  readonly file: number;
  readonly offset: number;
}

/** The format of an open file without a telling name: JSON lines when it starts with `{`. */
function probeFormat(fd: number): LogFormat {
  const probe = Buffer.alloc(256);
  const got = readSync(fd, probe, 0, probe.length, 0);
  let i = 0;
  while (i < got && (probe[i] === 32 || probe[i] === 10 || probe[i] === 13 || probe[i] === 9)) i++;
  return i < got && probe[i] === 123 ? 'jsonl' : 'csv';
}

/** The format the reader will read a file as. */
export function detectLogFormat(file: string): LogFormat {
  const known = logFormatOf(file);
  if (known !== undefined) return known;
  const fd = openSync(file, 'r');
  try {
    return probeFormat(fd);
  } finally {
    closeSync(fd);
  }
}

export interface LogReaderOptions {
  readonly onRow: (row: LogRow) => void;
  readonly onProblem: (p: LogProblem) => void;
  /**
   * Read from here (default: the start of the first file). An offset inside a file must be the
   * start of a line; line numbers in that file then count from it (the caller adds the lines
   * before it).
   */
  readonly from?: LogPlace;
  /** Read up to here, exclusive (default: the end of the last file); an offset ends a line. */
  readonly to?: LogPlace;
}

export class LogReader {
  readonly slbids = new ByteIntern(4096, 1 << 20);
  readonly hosts = new ByteIntern(1 << 18, 16 << 20);
  readonly paths = new ByteIntern(1 << 20, 64 << 20);
  readonly upstreams = new ByteIntern(1 << 18, 16 << 20);
  readonly totalBytes: number;
  bytesDone = 0;
  rows = 0;
  private readonly row = new LogRow();
  // + 1: room for scanJson's sentinel. Taken from the spare buffers of finished readers when there is one.
  private buf: Buffer = SPARE.pop() ?? Buffer.allocUnsafe(CHUNK + 1);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  private fileIndex = -1;
  private fd = -1;
  /** Read position and end of the current file's range. */
  private pos = 0;
  private limit = 0;
  /** The current file is read from its start (a BOM may open its first line). */
  private fromStart = true;
  private readonly from: LogPlace;
  private readonly to: LogPlace;
  /** Set by `stop()`: the reader ends after the current line. */
  private stopped = false;
  private filled = 0;
  private lineNo = 0;
  private format: LogFormat = 'jsonl';
  private csvColumns: Int32Array | null = null;
  private headerSeen = false;
  private skipping = false;
  // Field ranges of the current row (start -1 = absent), and whether a value needs unescaping.
  private readonly fs = new Int32Array(NF);
  private readonly fe = new Int32Array(NF);
  private readonly fx = new Uint8Array(NF);
  /** Some value of the current row has a JSON escape. */
  private escaped = 0;
  // The keys of the previous JSON line by position: bytes, length (-1: none) and field.
  private readonly tplBytes = new Uint8Array(TPL_KEYS * TPL_KEY_BYTES);
  private readonly tplView = new DataView(this.tplBytes.buffer);
  private readonly tplLen = new Int32Array(TPL_KEYS).fill(-1);
  private readonly tplField = new Int32Array(TPL_KEYS);
  private scratch = Buffer.allocUnsafe(4096);
  private csvStarts = new Int32Array(64);
  private csvEnds = new Int32Array(64);
  private csvQuoted = new Uint8Array(64);

  /** `options.onRow`, the reader's only call per row. */
  private readonly onRow: (row: LogRow) => void;
  /** Set by `firstRowMs`: stop at the first good row, without calling `onRow`. */
  private firstOnly = false;
  private firstMs: number | undefined;

  /**
   * The time of the first good row of `files` (Unix ms), or undefined. `onRow` is not called, so
   * the call site sees one closure in the read that follows (with a closure of its own here, the
   * main thread's first piece of a 3 M-row log took 1.25–1.86 s in three runs, against 1.26–1.37 s
   * without).
   */
  static firstRowMs(files: readonly string[]): number | undefined {
    const r = new LogReader(files, { onRow: () => {}, onProblem: () => {} });
    r.firstOnly = true;
    r.readAll();
    return r.firstMs;
  }

  constructor(
    readonly files: readonly string[],
    private readonly options: LogReaderOptions,
  ) {
    this.onRow = options.onRow;
    this.from = options.from ?? { file: 0, offset: 0 };
    this.to = options.to ?? { file: files.length - 1, offset: -1 };
    this.fileIndex = this.from.file - 1;
    let total = 0;
    for (let f = 0; f < files.length; f++) {
      const size = statSync(files[f]).size;
      if (f < this.from.file || f > this.to.file) continue;
      total += this.endOf(f, size) - (f === this.from.file ? this.from.offset : 0);
    }
    this.totalBytes = total;
  }

  /** Where the reader's range ends in file `f` of `size` bytes. */
  private endOf(f: number, size: number): number {
    return f === this.to.file && this.to.offset >= 0 ? Math.min(this.to.offset, size) : size;
  }

  /**
   * Done with this reader (a piece of a large log is read): its 4 MiB buffer goes to the next
   * reader of this thread instead of waiting for the garbage collector (two threads of pieces
   * otherwise peaked about 60 MB higher). The reader reads nothing more.
   */
  release(): void {
    if (this.fd >= 0) this.close();
    this.stopped = true;
    if (this.buf.length === CHUNK + 1 && SPARE.length < 2) SPARE.push(this.buf);
    this.buf = EMPTY;
    this.view = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
  }

  /** End the read after the current line (from `onRow`): `step` then returns true. */
  stop(): void {
    this.stopped = true;
  }

  /** Lines read so far in the current file (counted from the range's start in it). */
  get linesRead(): number {
    return this.lineNo;
  }

  /** Lines read in file `f` (counted from the range's start in it; 0 for a file not reached). */
  linesIn(f: number): number {
    return f === this.fileIndex && this.fd >= 0 ? this.lineNo : (this.fileLines[f] ?? 0);
  }

  private readonly fileLines: number[] = [];

  /** Read about `maxBytes` more; true when every file has been read. */
  step(maxBytes = 64 << 20): boolean {
    let budget = maxBytes;
    while (budget > 0) {
      if (this.stopped) return true;
      if (this.fd < 0 && !this.openNext()) return true;
      const want = Math.min(CHUNK - this.filled, READ, this.limit - this.pos);
      const n = want <= 0 ? 0 : readSync(this.fd, this.buf, this.filled, want, this.pos);
      this.pos += n;
      budget -= n;
      this.bytesDone += n;
      const end = this.filled + n;
      const consumed = this.lines(end, n === 0);
      if (this.stopped) {
        this.close();
        return true;
      }
      if (n === 0) {
        this.close();
        this.filled = 0;
        continue;
      }
      this.buf.copy(this.buf, 0, consumed, end);
      this.filled = end - consumed;
      if (this.filled === CHUNK) {
        // A line longer than the buffer: report it and skip to its end.
        this.problem(this.lineNo + 1, 'LogSyntax', `line longer than ${CHUNK >> 20} MiB`);
        this.filled = 0;
        this.skipping = true;
      }
    }
    return false;
  }

  /** Read everything. */
  readAll(): void {
    while (!this.step()) {
      // reading
    }
  }

  get fileName(): string {
    return this.files[this.fileIndex] ?? '';
  }

  private close(): void {
    closeSync(this.fd);
    this.fd = -1;
    this.fileLines[this.fileIndex] = this.lineNo;
  }

  private openNext(): boolean {
    this.fileIndex++;
    if (this.fileIndex >= this.files.length || this.fileIndex > this.to.file) return false;
    const file = this.files[this.fileIndex];
    this.fd = openSync(file, 'r');
    this.pos = this.fileIndex === this.from.file ? this.from.offset : 0;
    this.fromStart = this.pos === 0;
    // Unbounded: read to the end as it is then (a file still being written is read as far as it goes).
    this.limit =
      this.fileIndex === this.to.file && this.to.offset >= 0 ? this.to.offset : Number.POSITIVE_INFINITY;
    this.filled = 0;
    this.lineNo = 0;
    this.headerSeen = false;
    this.csvColumns = null;
    this.skipping = false;
    this.format = logFormatOf(file) ?? probeFormat(this.fd);
    return true;
  }

  /** Process the complete lines of buf[0, end); returns where the unfinished tail starts. */
  private lines(end: number, eof: boolean): number {
    const b = this.buf;
    let start = 0;
    for (;;) {
      let nl = b.indexOf(10, start);
      if (nl < 0 || nl >= end) {
        if (!eof || start >= end) return start;
        nl = end;
      }
      this.lineNo++;
      if (this.skipping) this.skipping = false;
      else {
        let e = nl;
        if (e > start && b[e - 1] === 13) e--;
        this.line(start, e);
        if (this.stopped) return nl + 1;
      }
      start = nl + 1;
      if (start >= end) return end;
    }
  }

  private line(s: number, e: number): void {
    const b = this.buf;
    let i = s;
    while (i < e && (b[i] === 32 || b[i] === 9)) i++;
    if (i === e) return; // blank
    if (
      i === s &&
      this.lineNo === 1 &&
      this.fromStart &&
      b[i] === 0xef &&
      b[i + 1] === 0xbb &&
      b[i + 2] === 0xbf
    )
      i += 3;
    this.clearFields();
    if (this.format === 'jsonl') {
      if (b[i] !== 123) {
        this.problem(this.lineNo, 'LogSyntax', 'not a JSON object (each line of a JSON log is one {…})');
        return;
      }
      const sentinel = b[e];
      b[e] = 34;
      const fast = this.scanJson(b, i, e);
      b[e] = sentinel;
      if (!fast && !this.parseJsonSlow(b, s, e)) return;
      this.emit(b);
    } else {
      if (!this.splitCsv(b, i, e)) return;
      if (!this.headerSeen) {
        this.header();
        return;
      }
      if (!this.csvRow()) return;
      this.emit(b);
    }
  }

  private clearFields(): void {
    const fs = this.fs;
    const fx = this.fx;
    for (let f = 0; f < NF; f++) {
      fs[f] = ABSENT;
      fx[f] = 0;
    }
    this.escaped = 0;
  }

  /**
   * One pass over a JSON object: keys, string values (escapes noted), numbers and literals. Returns
   * false when the line is not the flat shape expected (the caller then tries JSON.parse).
   *
   * SLS writes every line with the same keys in the same order, so the key at each position is
   * first compared with the previous line's key there (no hash, no lookup); a different key is
   * hashed and looked up, and becomes the one remembered for that position.
   */
  private scanJson(b: Buffer, s: number, e: number): boolean {
    // The caller has put a `"` at b[e]: every inner loop stops there without testing `i < e`.
    let i = s + 1;
    const fs = this.fs;
    const fe = this.fe;
    const fx = this.fx;
    const tplBytes = this.tplBytes;
    const tplView = this.tplView;
    const view = this.view;
    const tplLen = this.tplLen;
    for (let k = 0; ; k++) {
      let c = b[i];
      while (c === 32 || c === 9) c = b[++i];
      if (i >= e) return false;
      if (c === 125) return true; // }
      if (c !== 34) return false;
      const ks = ++i;
      let field = -2;
      if (k < TPL_KEYS) {
        const len = tplLen[k];
        if (len >= 0 && ks + len < e && b[ks + len] === 34) {
          const o = k * TPL_KEY_BYTES;
          // Four bytes at a time (keys are 4–22 bytes): this compare fell from 37 % to 24 % of the
          // scanner's samples against a byte loop (BENCHMARKS.md).
          let j = 0;
          while (j + 4 <= len && view.getUint32(ks + j, true) === tplView.getUint32(o + j, true)) j += 4;
          if (j + 4 > len) while (j < len && tplBytes[o + j] === b[ks + j]) j++;
          if (j === len) {
            field = this.tplField[k];
            i = ks + len + 1;
          }
        }
      }
      if (field === -2) {
        let h = 0;
        c = b[i];
        while (c !== 34) {
          if (c === 92) return false;
          h = (h * 31 + c) | 0;
          c = b[++i];
        }
        if (i >= e) return false;
        const ke = i++;
        field = fieldOf(b, ks, ke, h);
        if (k < TPL_KEYS) {
          if (ke - ks <= TPL_KEY_BYTES) {
            tplBytes.set(b.subarray(ks, ke), k * TPL_KEY_BYTES);
            tplLen[k] = ke - ks;
            this.tplField[k] = field;
          } else tplLen[k] = -1;
        }
      }
      c = b[i];
      while (c === 32 || c === 9) c = b[++i];
      if (c !== 58 || i >= e) return false;
      c = b[++i];
      while (c === 32 || c === 9) c = b[++i];
      if (i >= e) return false;
      let vs: number;
      let ve: number;
      let escaped = 0;
      if (c === 34) {
        vs = ++i;
        c = b[i];
        while (c !== 34) {
          if (c === 92) {
            escaped = 1;
            if (++i >= e) return false;
          }
          c = b[++i];
        }
        if (i >= e) return false;
        ve = i++;
      } else {
        if (c === 123 || c === 91) return false; // nested value
        vs = i;
        while (i < e && c !== 44 && c !== 125 && c !== 32 && c !== 9) c = b[++i];
        ve = i;
        // null counts as absent.
        if (ve - vs === 4 && b[vs] === 110) vs = ve = -2;
      }
      if (field >= 0 && vs !== -2) {
        fs[field] = vs;
        fe[field] = ve;
        fx[field] = escaped;
        this.escaped |= escaped;
      }
      c = b[i];
      while (c === 32 || c === 9) c = b[++i];
      if (i >= e) return false;
      if (c === 44) i++;
      else if (c !== 125) return false;
    }
  }

  /** The fallback: JSON.parse the line and copy the fields into the scratch buffer. */
  private parseJsonSlow(b: Buffer, s: number, e: number): boolean {
    let value: unknown;
    try {
      value = JSON.parse(b.toString('utf8', s, e));
    } catch (err) {
      const msg = (err as Error).message.replace(/,? ".*" is not valid JSON$/s, '');
      this.problem(this.lineNo, 'LogSyntax', `not valid JSON: ${msg}`);
      return false;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problem(this.lineNo, 'LogSyntax', 'not a JSON object (each line of a JSON log is one {…})');
      return false;
    }
    const o = value as Record<string, unknown>;
    this.clearFields();
    const parts: string[] = [];
    const idx: number[] = [];
    for (const [k, v] of Object.entries(o)) {
      const f = BY_NAME.get(k);
      if (f === undefined || v === null || v === undefined) continue;
      if (typeof v === 'object') {
        this.problem(this.lineNo, 'LogField', `${k}: expected a string or number, got ${JSON.stringify(v)}`);
        return false;
      }
      parts.push(String(v));
      idx.push(f);
    }
    this.toScratch(parts, idx);
    return true;
  }

  /** Put decoded strings into the scratch buffer and point the field ranges at them. */
  private toScratch(parts: readonly string[], idx: readonly number[]): void {
    let need = 0;
    for (const p of parts) need += Buffer.byteLength(p, 'utf8');
    if (need > this.scratch.length) this.scratch = Buffer.allocUnsafe(need * 2);
    this.usingScratch = true;
    let at = 0;
    parts.forEach((p, j) => {
      const n = this.scratch.write(p, at, 'utf8');
      this.fs[idx[j]] = at;
      this.fe[idx[j]] = at + n;
      this.fx[idx[j]] = 0;
      at += n;
    });
  }

  private usingScratch = false;

  /** Split a CSV line into fields (RFC 4180 quoting within the line). */
  private splitCsv(b: Buffer, s: number, e: number): boolean {
    let n = 0;
    let i = s;
    for (;;) {
      if (n === this.csvStarts.length) this.growCsv();
      if (i < e && b[i] === 34) {
        let j = i + 1;
        let doubled = 0;
        for (;;) {
          if (j >= e) {
            this.problem(this.lineNo, 'LogSyntax', `unterminated quoted field (column ${n + 1})`);
            return false;
          }
          if (b[j] === 34) {
            if (j + 1 < e && b[j + 1] === 34) {
              doubled = 1;
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        this.csvStarts[n] = i + 1;
        this.csvEnds[n] = j;
        this.csvQuoted[n] = doubled;
        i = j + 1;
        if (i < e && b[i] !== 44) {
          this.problem(
            this.lineNo,
            'LogSyntax',
            `unexpected character after a quoted field (column ${n + 1})`,
          );
          return false;
        }
      } else {
        let j = i;
        while (j < e && b[j] !== 44) j++;
        this.csvStarts[n] = i;
        this.csvEnds[n] = j;
        this.csvQuoted[n] = 0;
        i = j;
      }
      n++;
      if (i >= e) break;
      i++; // the comma
      if (i === e) {
        if (n === this.csvStarts.length) this.growCsv();
        this.csvStarts[n] = e;
        this.csvEnds[n] = e;
        this.csvQuoted[n] = 0;
        n++;
        break;
      }
    }
    this.csvCount = n;
    return true;
  }

  private csvCount = 0;

  private growCsv(): void {
    const n = this.csvStarts.length * 2;
    const a = new Int32Array(n);
    a.set(this.csvStarts);
    const z = new Int32Array(n);
    z.set(this.csvEnds);
    const q = new Uint8Array(n);
    q.set(this.csvQuoted);
    this.csvStarts = a;
    this.csvEnds = z;
    this.csvQuoted = q;
  }

  private header(): void {
    this.headerSeen = true;
    const cols = new Int32Array(this.csvCount).fill(-1);
    const seen = new Set<number>();
    for (let c = 0; c < this.csvCount; c++) {
      const name = this.buf.toString('utf8', this.csvStarts[c], this.csvEnds[c]).trim();
      const f = BY_NAME.get(name);
      if (f !== undefined && !seen.has(f)) {
        cols[c] = f;
        seen.add(f);
      }
    }
    const missing = REQUIRED_FIELDS.filter((k) => !seen.has(F[k]));
    if (!seen.has(F.time) && !seen.has(F.unixTime)) missing.unshift('time');
    if (missing.length > 0) {
      this.problem(
        this.lineNo,
        'LogSyntax',
        `the CSV header lacks ${missing.map((k) => FIELD[k]).join(', ')} (a CSV log starts with a header row naming the SLS fields)`,
      );
      this.csvColumns = null;
      return;
    }
    this.csvColumns = cols;
  }

  private csvRow(): boolean {
    const cols = this.csvColumns;
    if (cols === null) {
      this.problem(this.lineNo, 'LogSyntax', 'row after a CSV header that could not be read');
      return false;
    }
    if (this.csvCount !== cols.length) {
      this.problem(
        this.lineNo,
        'LogSyntax',
        `expected ${cols.length} fields as in the header, got ${this.csvCount}`,
      );
      return false;
    }
    let slow = false;
    for (let c = 0; c < cols.length; c++) {
      const f = cols[c];
      if (f < 0) continue;
      this.fs[f] = this.csvStarts[c];
      this.fe[f] = this.csvEnds[c];
      if (this.csvQuoted[c] === 1) slow = true;
    }
    if (slow) {
      const parts: string[] = [];
      const idx: number[] = [];
      for (let c = 0; c < cols.length; c++) {
        const f = cols[c];
        if (f < 0) continue;
        const t = this.buf.toString('utf8', this.csvStarts[c], this.csvEnds[c]);
        parts.push(this.csvQuoted[c] === 1 ? t.replaceAll('""', '"') : t);
        idx.push(f);
      }
      this.toScratch(parts, idx);
    }
    return true;
  }

  /** Decode escaped JSON strings into the scratch buffer. */
  private unescape(b: Buffer): void {
    const parts: string[] = [];
    const idx: number[] = [];
    for (let f = 0; f < NF; f++) {
      const s = this.fs[f];
      if (s < 0) continue;
      if (this.fx[f] === 1) {
        let v: string;
        try {
          v = JSON.parse(`"${b.toString('utf8', s, this.fe[f])}"`) as string;
        } catch {
          v = b.toString('utf8', s, this.fe[f]);
        }
        parts.push(v);
      } else parts.push(b.toString('utf8', s, this.fe[f]));
      idx.push(f);
    }
    this.toScratch(parts, idx);
  }

  /** Turn the field ranges into the row and hand it on. */
  private emit(buf: Buffer): boolean {
    let b = buf;
    if (!this.usingScratch && this.escaped !== 0) {
      for (let f = 0; f < NF; f++)
        if (this.fx[f] === 1) {
          this.unescape(buf);
          break;
        }
    }
    if (this.usingScratch) b = this.scratch;
    this.usingScratch = false;
    const fs = this.fs;
    const fe = this.fe;
    const row = this.row;
    row.file = this.fileIndex;
    row.line = this.lineNo;
    for (let r = 0; r < REQUIRED.length; r++)
      if (fs[REQUIRED[r]] < 0)
        return this.problem(this.lineNo, 'LogField', `missing ${FIELD[REQUIRED_FIELDS[r]]}`);
    // Time.
    let ts = fs[F_TIME];
    let te = fe[F_TIME];
    if (ts < 0 || ts === te) {
      ts = fs[F_UNIX];
      te = fe[F_UNIX];
    }
    if (ts < 0) return this.problem(this.lineNo, 'LogField', 'missing time (and __time__)');
    const t = this.timeOf(b, ts, te);
    if (Number.isNaN(t))
      return this.problem(
        this.lineNo,
        'LogField',
        `time: expected ISO 8601 (2024-05-06T10:00:01+08:00), nginx time or Unix seconds, got ${show(b, ts, te)}`,
      );
    row.timeMs = t;
    // Listener.
    const ss = fs[F_SLBID];
    if (fe[F_SLBID] === ss) return this.problem(this.lineNo, 'LogField', 'slbid is empty');
    const vport = parseUint(b, fs[F_VPORT], fe[F_VPORT]);
    if (vport < 1 || vport > 65535)
      return this.problem(
        this.lineNo,
        'LogField',
        `slb_vport: expected a port 1–65535, got ${show(b, fs[F_VPORT], fe[F_VPORT])}`,
      );
    row.slbid = this.slbids.intern(b, ss, fe[F_SLBID]);
    row.vport = vport;
    row.scheme = schemeOf(b, fs[F_SCHEME], fe[F_SCHEME]);
    // Host: http_host (the raw header), else host.
    let hs = fs[F_HTTP_HOST];
    let he = fe[F_HTTP_HOST];
    if (hs < 0 || isNoUpstream(b, hs, he)) {
      hs = fs[F_HOST];
      he = fe[F_HOST];
    }
    row.host = hs < 0 || isNoUpstream(b, hs, he) ? -1 : this.hosts.intern(b, hs, he);
    // Path.
    let us = fs[F_URI];
    let ue = us < 0 ? us : fe[F_URI];
    if (us >= 0) {
      // Absolute form (http://host/path): keep the path.
      if (ue - us > 8 && b[us] === 104 && b[us + 1] === 116 && b[us + 2] === 116 && b[us + 3] === 112) {
        const slash = b.indexOf(47, us + (b[us + 4] === 115 ? 8 : 7));
        us = slash < 0 || slash >= ue ? ue : slash;
      }
      ue = pathEnd(b, us, ue);
    }
    row.path = us < 0 || us === ue ? this.paths.intern(SLASH, 0, 1) : this.paths.intern(b, us, ue);
    // Client.
    const cs = fs[F_CLIENT_IP];
    const ce = fe[F_CLIENT_IP];
    const ip = parseIpv4(b, cs, ce);
    if (ip < 0) {
      if (ce === cs || isNoUpstream(b, cs, ce))
        return this.problem(this.lineNo, 'LogField', 'client_ip is empty');
      row.clientIp = hashBytes(b, cs, ce); // IPv6: an identity, not an address
    } else row.clientIp = ip;
    const ps = fs[F_CLIENT_PORT];
    if (ps < 0 || fe[F_CLIENT_PORT] === ps || isNoUpstream(b, ps, fe[F_CLIENT_PORT])) row.clientPort = 0;
    else {
      const port = parseUint(b, ps, fe[F_CLIENT_PORT]);
      if (port < 0 || port > 65535)
        return this.problem(
          this.lineNo,
          'LogField',
          `client_port: expected a port 0–65535, got ${show(b, ps, fe[F_CLIENT_PORT])}`,
        );
      row.clientPort = port;
    }
    // Upstream and statuses.
    const as = fs[F_UPSTREAM];
    const ae = fe[F_UPSTREAM];
    row.upstream = isNoUpstream(b, as, ae) ? -1 : this.upstreams.intern(b, as, ae);
    const st = fs[F_STATUS];
    row.status = st < 0 ? 0 : Math.max(0, parseUint(b, st, fe[F_STATUS]));
    const us2 = fs[F_UPSTREAM_STATUS];
    row.upstreamStatus = us2 < 0 ? 0 : lastStatus(b, us2, fe[F_UPSTREAM_STATUS]);
    this.rows++;
    if (this.firstOnly) {
      this.firstMs = row.timeMs;
      this.stopped = true;
      return true;
    }
    this.onRow(row);
    return true;
  }

  private readonly lastTime = Buffer.alloc(40);
  private lastTimeLen = -1;
  private lastTimeMs = Number.NaN;

  /** `parseLogTime`, remembering the last value: rows of one second share their time text. */
  private timeOf(b: Buffer, s: number, e: number): number {
    const n = e - s;
    const last = this.lastTime;
    if (n === this.lastTimeLen) {
      let same = true;
      for (let i = n - 1; i >= 0; i--)
        if (last[i] !== b[s + i]) {
          same = false;
          break;
        }
      if (same) return this.lastTimeMs;
    }
    const t = parseLogTime(b, s, e);
    if (n <= last.length) {
      b.copy(last, 0, s, e);
      this.lastTimeLen = n;
      this.lastTimeMs = t;
    }
    return t;
  }

  /** Report a malformed row; false, for `return this.problem(…)` in `emit`. */
  private problem(line: number, code: LogProblem['code'], message: string): false {
    this.options.onProblem({ file: this.fileName, line, code, message });
    return false;
  }
}

const SLASH = Buffer.from('/');

/** The field a JSON key names, or -1. `h` is the key's 31-hash (a fast reject before comparing). */
const KEY_HASH = new Map<number, number>();
for (let f = 0; f < NF; f++) {
  let h = 0;
  for (const c of NAME_BYTES[f]) h = (h * 31 + c) | 0;
  KEY_HASH.set(h, f);
}

function fieldOf(b: Buffer, s: number, e: number, h: number): number {
  const f = KEY_HASH.get(h);
  if (f === undefined) return -1;
  const name = NAME_BYTES[f];
  if (name.length !== e - s) return -1;
  for (let i = 0; i < name.length; i++) if (name[i] !== b[s + i]) return -1;
  return f;
}

function schemeOf(b: Buffer, s: number, e: number): number {
  if (s < 0 || s === e) return 0;
  const n = e - s;
  const lc = (i: number) => b[s + i] | 0x20;
  if (n >= 4 && lc(0) === 104 && lc(1) === 116 && lc(2) === 116 && lc(3) === 112) {
    if (n === 4) return 1;
    if (n === 5 && lc(4) === 115) return 2;
  }
  return 3;
}

function hashBytes(b: Buffer, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function show(b: Buffer, s: number, e: number): string {
  if (s < 0) return '(absent)';
  const t = b.toString('utf8', s, Math.min(e, s + 60));
  return JSON.stringify(e - s > 60 ? `${t}…` : t);
}
