/**
 * A report rebuilt from a journal file alone (`slbsim report`, and `compare` given a journal):
 * the file's batches through the same projections as the run that wrote it, so the result is
 * byte-identical to that run's report.
 */

import type { JournalBatch } from '../journal/journal-batch.js';
import { readJournalFile } from '../journal/journal-file.js';
import { ROW_CONTROL } from '../journal/journal-rows.js';
import { FileError } from '../util/user-error.js';
import type { Report } from './report-model.js';
import { createReportProjections, type ReportProjections } from './report-projection.js';
import type { ReportState } from './report-state.js';

/** Thrown when a readable journal has no RunStarted entry (not a journal of a run). */
export class NotAJournalError extends FileError {
  constructor(file: string) {
    super(file, 'not a slbsim journal (no RunStarted entry)');
    this.name = 'NotAJournalError';
  }
}

/** Build the report of a journal file; a FileError (JournalFormatError, NotAJournalError) for a bad one. */
export function reportFromJournalFile(path: string): Report {
  return projectJournalFile(path).build();
}

/** The report state of a journal file (a shard's journal, for `slbsim merge`). */
export function stateFromJournalFile(path: string): ReportState {
  return projectJournalFile(path).state();
}

function projectJournalFile(path: string): ReportProjections {
  let started = false;
  function* watched(): Generator<JournalBatch> {
    for (const b of readJournalFile(path)) {
      if (!started)
        for (let i = 0; i < b.n; i++)
          if (b.kind[i] === ROW_CONTROL && b.control[i]?.type === 'RunStarted') {
            started = true;
            break;
          }
      yield b;
    }
  }
  const p = createReportProjections();
  for (const b of watched()) p.sink.onBatch(b);
  p.sink.onEnd?.();
  if (!started) throw new NotAJournalError(path);
  return p;
}
