/**
 * The worker thread of `slbsim logs` on a large log: reads the part it is given (`workerData`, a
 * `LogPartTask`), posting `{progress}` now and then and `{result}` at the end. No side effects
 * when imported on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LogPartTask, readLogPart } from './log-part.js';

const port = parentPort;
const task = workerData as { slbsimLogPart?: LogPartTask } | null;
if (port !== null && task?.slbsimLogPart !== undefined) {
  const result = readLogPart(task.slbsimLogPart, (done) => port.postMessage({ progress: done }));
  port.postMessage({ result });
}
