/**
 * One part of an access log read and compared with the model — the whole log on one thread, or,
 * for a large log on a machine with several cores, one piece of it, read by the main thread or a
 * worker thread (`log-worker.ts`); `LogComparison.merge` then adds the pieces up in order as one
 * pass would have (log-pieces.ts). The worker builds the routing model again
 * from the scenario (structured-cloned; it is deterministic, so both threads hold the same one) and
 * is handed the epochs as data, so that it does not load the engine to replay them.
 */
import type { Scenario } from '../scenario/scenario-model.js';
import { type Epoch, EpochTable } from './epoch-table.js';
import { type ComparisonPart, LogComparison } from './log-compare.js';
import { type LogPlace, type LogProblem, LogReader } from './log-reader.js';
import { TopologyVersions } from './topology-versions.js';
import { AllGroupsIndex } from './upstream-map.js';

/** Malformed rows shown, at most (the rest are counted). */
export const PROBLEM_SAMPLES = 20;

/** The scenario's routing over time, its epochs and the groups of every address. */
export interface LogModel {
  readonly model: TopologyVersions;
  readonly epochs: EpochTable;
  readonly elsewhere: AllGroupsIndex;
}

/** Every group of the scenario an address is in. */
export function elsewhereIndex(model: TopologyVersions): AllGroupsIndex {
  const elsewhere = new AllGroupsIndex();
  for (const s of model.slots) for (const a of s.addresses) elsewhere.add(a, `${s.group} (${s.listener})`);
  return elsewhere;
}

export interface LogPartOptions {
  readonly files: readonly string[];
  readonly from?: LogPlace;
  readonly to?: LogPlace;
  /** Scenario time 0 (Unix ms); undefined: the first row's time (only for a part that starts the log). */
  readonly originMs: number | undefined;
  readonly windowMs: number;
  readonly listLimit: number;
}

/** A part being read: the reader, the comparison, and the malformed rows met so far. */
export class LogPart {
  readonly reader: LogReader;
  readonly cmp: LogComparison;
  bad = 0;
  readonly problems: LogProblem[] = [];

  constructor(m: LogModel, o: LogPartOptions) {
    let cmp: LogComparison | null = null;
    this.reader = new LogReader(o.files, {
      ...(o.from === undefined ? {} : { from: o.from }),
      ...(o.to === undefined ? {} : { to: o.to }),
      onRow: (row) => cmp!.onRow(row),
      onProblem: (p) => {
        this.bad++;
        if (this.problems.length < PROBLEM_SAMPLES) this.problems.push(p);
      },
    });
    cmp = new LogComparison(m.model, m.epochs, this.reader, m.elsewhere, {
      originMs: o.originMs,
      windowMs: o.windowMs,
      listLimit: o.listLimit,
    });
    this.cmp = cmp;
  }
}

/** What a worker is asked to read: pieces of the log, taken one at a time from a shared counter. */
export interface LogPiecesTask extends Omit<LogPartOptions, 'from' | 'to'> {
  readonly scenario: Scenario;
  /** The main thread's `EpochTable.epochs`. */
  readonly epochs: readonly Epoch[];
  /** Piece `i` is [bounds[i], bounds[i + 1]): line starts, in order. */
  readonly bounds: readonly LogPlace[];
  /** An Int32Array of one element over shared memory: the next piece to take (Atomics.add). */
  readonly next: SharedArrayBuffer;
}

/** A piece read: what a part hands back, and its lines per file (for the line numbers). */
export interface LogPieceResult {
  readonly piece: number;
  readonly bad: number;
  readonly problems: readonly LogProblem[];
  readonly part: ComparisonPart;
  /** Lines read in each file, counted from the piece's start in it. */
  readonly lines: readonly number[];
}

/** Take the next piece of `next`, or -1 when none is left. */
export function takePiece(next: Int32Array, pieces: number): number {
  const i = Atomics.add(next, 0, 1);
  return i < pieces ? i : -1;
}

/** The piece's reader options. */
export function pieceOptions(
  o: Omit<LogPartOptions, 'from' | 'to'>,
  bounds: readonly LogPlace[],
  i: number,
): LogPartOptions {
  return { ...o, from: bounds[i], to: bounds[i + 1] };
}

/** A finished part as a piece result; its reader is released (`LogReader.release`). */
export function pieceResult(piece: number, part: LogPart, files: number): LogPieceResult {
  const result = {
    piece,
    bad: part.bad,
    problems: part.problems,
    part: part.cmp.exportPart(),
    lines: Array.from({ length: files }, (_, f) => part.reader.linesIn(f)),
  };
  part.reader.release();
  return result;
}

/**
 * The worker's job: take pieces until none is left, posting each one read and the bytes read so
 * far (every 32 MiB).
 */
export function readLogPieces(
  task: LogPiecesTask,
  post: (msg: { piece?: LogPieceResult; progress?: number }) => void,
): void {
  const model = new TopologyVersions(task.scenario);
  const m: LogModel = {
    model,
    epochs: new EpochTable(task.epochs, model.scopes.length),
    elsewhere: elsewhereIndex(model),
  };
  const next = new Int32Array(task.next);
  const pieces = task.bounds.length - 1;
  let before = 0;
  for (let i = takePiece(next, pieces); i >= 0; i = takePiece(next, pieces)) {
    const part = new LogPart(m, pieceOptions(task, task.bounds, i));
    while (!part.reader.step(32 << 20)) post({ progress: before + part.reader.bytesDone });
    before += part.reader.bytesDone;
    post({ piece: pieceResult(i, part, task.files.length), progress: before });
  }
}
