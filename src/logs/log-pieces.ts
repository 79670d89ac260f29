/**
 * A large log of JSON lines read on two threads, in pieces: the log is cut at line starts into
 * pieces that get smaller towards the end (the first a quarter of the log, then each a quarter of
 * what is left, down to `PIECE_MIN` bytes). The main thread reads the first piece while a worker
 * thread starts; then each thread takes the next piece from a shared counter whenever it is free,
 * so neither waits for the other by more than a small piece, whichever turns out faster (on this
 * host the two halves of a fixed cut differed by up to 30 %). Pieces are merged in log order into
 * the first (`LogComparison.merge`), as one pass would have read them; the line numbers of a piece
 * that starts inside a file get the lines of the pieces before it in that file added.
 *
 * Null — and the caller reads on one thread — when the log is small or not JSON lines, the
 * machine has one core, the worker is not built, or a merge would not be exact (a bounded table
 * filled up; see `LogComparison.unmergeable`). Pieces a failed worker did not hand back are read by
 * the main thread.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario/scenario-model.js';
import { FileError, UserError } from '../util/user-error.js';
import { findWorkerFile } from '../util/worker-file.js';
import type { LogComparison } from './log-compare.js';
import {
  type LogModel,
  LogPart,
  type LogPieceResult,
  type LogPiecesTask,
  PROBLEM_SAMPLES,
  pieceOptions,
  pieceResult,
  takePiece,
} from './log-part.js';
import {
  detectLogFormat,
  formatLogProblem,
  type LogPlace,
  type LogProblem,
  LogReader,
} from './log-reader.js';

/**
 * A log of JSON lines at least this large is read on two threads (given two cores): below it, the
 * worker's start (about 0.3 s of loading modules and building the model) outweighs what it saves.
 */
export const PARALLEL_MIN_BYTES = 256 << 20;
/** The smallest piece (bytes), for a large log. */
export const PIECE_MIN = 16 << 20;

export interface PiecesOptions {
  /** 1: one thread; 2: two, whatever the size; default: two from `PARALLEL_MIN_BYTES` up. */
  readonly threads?: 1 | 2;
  readonly originMs?: number;
  readonly windowMs: number;
  readonly list: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ReadResult {
  readonly cmp: LogComparison;
  readonly bad: number;
  /** The first `PROBLEM_SAMPLES` malformed rows, formatted. */
  readonly problems: string[];
}

/** Read in slices, yielding to the event loop between them (progress bar, signals, messages). */
export async function pump(reader: LogReader, progress: (done: number) => void): Promise<void> {
  for (;;) {
    let done: boolean;
    try {
      done = reader.step(32 << 20);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new FileError(reader.fileName, `cannot read: ${(err as Error).message}`);
    }
    progress(reader.bytesDone);
    if (done) break;
    await new Promise((r) => setImmediate(r));
  }
}

/** The whole log on this thread. */
export async function readOnOne(
  m: LogModel,
  files: readonly string[],
  options: PiecesOptions,
): Promise<ReadResult> {
  const part = new LogPart(m, {
    files,
    originMs: options.originMs,
    windowMs: options.windowMs,
    listLimit: options.list,
  });
  await pump(part.reader, (done) => options.onProgress?.(done, part.reader.totalBytes));
  return { cmp: part.cmp, bad: part.bad, problems: part.problems.map(formatLogProblem) };
}

/**
 * The pieces' bounds (line starts, in order, from the log's start to its end), or null when the
 * log is read on one thread.
 */
export function piecePlan(files: readonly string[], threads: PiecesOptions['threads']): LogPlace[] | null {
  if (threads === 1 || (threads === undefined && availableParallelism() < 2)) return null;
  // Problems and listed rows are named by file: two files of one name could not be told apart.
  if (new Set(files).size !== files.length) return null;
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < 2 || (threads === undefined && total < PARALLEL_MIN_BYTES)) return null;
  // CSV rows need the header of their file; JSON lines stand alone.
  if (files.some((f) => detectLogFormat(f) !== 'jsonl')) return null;
  const floor = Math.max(1, Math.min(PIECE_MIN, Math.floor(total / 16)));
  const cuts: number[] = [];
  for (let at = Math.floor(total / 4); at < total; ) {
    cuts.push(at);
    at += Math.max(floor, Math.floor((total - at) / 4));
  }
  const bounds: LogPlace[] = [{ file: 0, offset: 0 }];
  const end = placeAfter(files, sizes, files.length - 1, sizes[files.length - 1]);
  for (const g of cuts) {
    let f = 0;
    let at = g;
    while (at >= sizes[f]) at -= sizes[f++];
    const p = lineStartFrom(files, sizes, f, at);
    const last = bounds[bounds.length - 1];
    if (before(last, p) && before(p, end)) bounds.push(p);
  }
  bounds.push(end);
  return bounds.length > 2 ? bounds : null;
}

function before(a: LogPlace, b: LogPlace): boolean {
  return a.file < b.file || (a.file === b.file && a.offset < b.offset);
}

/** Offset `at` of file `f` as a place: the end of a file is the start of the next. */
function placeAfter(files: readonly string[], sizes: readonly number[], f: number, at: number): LogPlace {
  let file = f;
  let offset = at;
  while (offset >= sizes[file] && file + 1 < files.length) {
    offset -= sizes[file];
    file++;
  }
  return { file, offset };
}

/** The first line start at or after offset `at` of file `f`. */
function lineStartFrom(files: readonly string[], sizes: readonly number[], f: number, at: number): LogPlace {
  if (at === 0) return { file: f, offset: 0 };
  const fd = openSync(files[f], 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let pos = at - 1; ; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return placeAfter(files, sizes, f, sizes[f]);
      const nl = buf.indexOf(10);
      if (nl >= 0 && nl < n) return placeAfter(files, sizes, f, pos + nl + 1);
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The log read in pieces on this thread and a worker (see the top of this file), or null. */
export async function readInPieces(
  scenario: Scenario,
  m: LogModel,
  files: readonly string[],
  options: PiecesOptions,
): Promise<ReadResult | null> {
  const bounds = piecePlan(files, options.threads);
  const workerFile = bounds === null ? null : findWorkerFile(import.meta.url, 'log-worker.js');
  if (bounds === null || workerFile === null) return null;
  const originMs = options.originMs ?? LogReader.firstRowMs(files);
  if (originMs === undefined) return null;
  const pieces = bounds.length - 1;
  const shared = new SharedArrayBuffer(4);
  const next = new Int32Array(shared);
  next[0] = 1; // piece 0 is this thread's: the one the others merge into
  const common = { files, originMs, windowMs: options.windowMs, listLimit: options.list };
  const task: LogPiecesTask = { ...common, scenario, epochs: m.epochs.epochs, bounds, next: shared };
  const worker = new Worker(workerFile, { workerData: { slbsimLogPieces: task } });
  const results: (LogPieceResult | undefined)[] = new Array(pieces);
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  let mainDone = 0;
  let workerDone = 0;
  const progress = () => options.onProgress?.(mainDone + workerDone, total);
  const finished = new Promise<void>((done) => {
    worker.on('message', (msg: { piece?: LogPieceResult; progress?: number }) => {
      if (msg.piece !== undefined) results[msg.piece.piece] ??= msg.piece;
      if (msg.progress !== undefined) {
        workerDone = msg.progress;
        progress();
      }
    });
    worker.on('error', () => done());
    worker.on('exit', () => done());
  });
  const readHere = async (i: number): Promise<LogPart> => {
    const part = new LogPart(m, pieceOptions(common, bounds, i));
    const before = mainDone;
    await pump(part.reader, (done) => {
      mainDone = before + done;
      progress();
    });
    return part;
  };
  let first: LogPart;
  try {
    first = await readHere(0);
    for (let i = takePiece(next, pieces); i >= 0; i = takePiece(next, pieces))
      results[i] = pieceResult(i, await readHere(i), files.length);
    await finished;
    // Pieces a failed worker took and did not hand back.
    for (let i = 1; i < pieces; i++)
      if (results[i] === undefined) results[i] = pieceResult(i, await readHere(i), files.length);
  } finally {
    await worker.terminate();
  }
  return mergePieces(first, results as LogPieceResult[], bounds, files);
}

/**
 * Pieces 1… (`rest[i]` is piece i; `rest[0]` is not read) merged in order into piece 0, with their
 * line numbers made the file's, or null when a merge would not be exact.
 */
export function mergePieces(
  first: LogPart,
  rest: readonly LogPieceResult[],
  bounds: readonly LogPlace[],
  files: readonly string[],
): ReadResult | null {
  const cmp = first.cmp;
  const problems: LogProblem[] = [...first.problems];
  let bad = first.bad;
  // Lines per file read by the pieces merged so far.
  const linesBefore = Array.from({ length: files.length }, (_, f) => first.reader.linesIn(f));
  for (let i = 1; i < bounds.length - 1; i++) {
    const r = rest[i];
    const cut = bounds[i].file;
    const base = linesBefore[cut];
    const line = (file: string, n: number) => (file === files[cut] ? n + base : n);
    if (cmp.merge(r.part, line) !== null) return null;
    bad += r.bad;
    for (const p of r.problems)
      if (problems.length < PROBLEM_SAMPLES) problems.push({ ...p, line: line(p.file, p.line) });
    r.lines.forEach((n, f) => {
      linesBefore[f] += n;
    });
  }
  return { cmp, bad, problems: problems.map(formatLogProblem) };
}
