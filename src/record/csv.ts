/**
 * CSV records (RFC 4180): a header line with the column names of RECORD_COLUMNS, then one line
 * per request. A field containing a comma, a double quote, CR or LF is quoted with inner quotes
 * doubled; a missing value (null) is an empty field and an empty string is `""`, so the two stay
 * distinct. Booleans are `true`/`false`. Lines end with LF (the reader also accepts CRLF).
 */
import { FLAG_STICKY } from '../journal/journal-rows.js';
import { numberToIp } from '../util/ip.js';
import { TextOutputFile } from '../util/output-file.js';
import { RECORD_COLUMN_NAMES } from './columns.js';
import { Fragments } from './fragments.js';
import type { Definition, RecordFormat, RowColumns } from './record-format.js';
import { RecordWriter } from './writer.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: null → empty, '' → `""`, quoted when it holds `,` `"` CR or LF. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const CSV_HEADER = `${RECORD_COLUMN_NAMES.join(',')}\n`;

export class CsvRecordFormat implements RecordFormat {
  private readonly text = new Fragments((_name, value) => csvField(value), ',');

  constructor(private readonly file: TextOutputFile) {
    file.write(CSV_HEADER);
  }

  define(entry: Definition): void {
    this.text.define(entry);
  }

  row(c: RowColumns, i: number, latency: number): void {
    const f = this.text;
    const listener = c.listener[i];
    this.file.write(
      `${c.t[i]},${c.id[i]},${f.listenerOf(listener)},${numberToIp(c.clientIp[i])},${c.clientPort[i]},` +
        `${f.templateOf(c.template[i])},${c.node[i]},${c.worker[i]},${f.scopeOf(c.scope[i])},` +
        `${f.backendOf(c.backend[i])},${f.outcomeOf(listener, c.outcome[i])},${c.attempts[i]},` +
        `${(c.flags[i] & FLAG_STICKY) !== 0},${!Number.isNaN(latency) ? latency : ''}\n`,
    );
  }

  close(complete: boolean): string {
    return this.file.close(complete);
  }
}

/** A CSV record writer for `path` (written through `<path>.partial`). */
export function csvRecordWriter(path: string): RecordWriter {
  const file = new TextOutputFile(path);
  return new RecordWriter(path, new CsvRecordFormat(file), file.location);
}
