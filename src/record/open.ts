/**
 * `openRecordWriter(path)`: the record writer for a file, chosen by its extension — `.jsonl` or
 * `.ndjson` (JSON Lines), `.csv`, `.parquet`. Anything else is a FileError naming the
 * extensions that work.
 */

import { FileError } from '../util/user-error.js';
import { csvRecordWriter } from './csv.js';
import { jsonlRecordWriter } from './jsonl.js';
import { parquetRecordWriter } from './parquet.js';
import type { RecordWriter } from './writer.js';

export type RecordFileFormat = 'jsonl' | 'csv' | 'parquet';

export const RECORD_EXTENSIONS: Readonly<Record<string, RecordFileFormat>> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.parquet': 'parquet',
};

/** The format a record file's name asks for (case-insensitive extension). */
export function recordFormatOf(path: string): RecordFileFormat {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const ext = dot > slash ? path.slice(dot).toLowerCase() : '';
  const format = RECORD_EXTENSIONS[ext];
  if (format === undefined) {
    throw new FileError(
      path,
      `unknown record format ${ext === '' ? '(no extension)' : `"${ext}"`}: use ${Object.keys(RECORD_EXTENSIONS).join(', ')}`,
    );
  }
  return format;
}

/** A journal sink writing one record row per request to `path`; `close()` finishes the file. */
export function openRecordWriter(path: string): RecordWriter {
  switch (recordFormatOf(path)) {
    case 'jsonl':
      return jsonlRecordWriter(path);
    case 'csv':
      return csvRecordWriter(path);
    case 'parquet':
      return parquetRecordWriter(path);
  }
}
