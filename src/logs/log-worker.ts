/**
 * The worker thread of `slbsim logs` on a large log: takes pieces of the log (`workerData`, a
 * `LogPiecesTask`) until none is left, posting `{progress}` now and then and `{piece}` for each
 * piece read. No side effects when imported on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LogPiecesTask, readLogPieces } from './log-part.js';

const port = parentPort;
const task = workerData as { slbsimLogPieces?: LogPiecesTask } | null;
if (port !== null && task?.slbsimLogPieces !== undefined)
  readLogPieces(task.slbsimLogPieces, (msg) => port.postMessage(msg));
