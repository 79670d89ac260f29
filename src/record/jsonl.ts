/**
 * JSON Lines records: one object per request, keys in the order of RECORD_COLUMNS, missing values
 * as `null`. Read with `jq`, DuckDB `read_json('x.jsonl')` or pandas `read_json(…, lines=True)`.
 */
import { FLAG_STICKY } from '../journal/journal-rows.js';
import { numberToIp } from '../util/ip.js';
import { TextOutputFile } from '../util/output-file.js';
import { Fragments } from './fragments.js';
import type { Definition, RecordFormat, RowColumns } from './record-format.js';
import { RecordWriter } from './writer.js';

const jsonField = (name: string, value: string | number | null): string =>
  `"${name}":${JSON.stringify(value)}`;

export class JsonlRecordFormat implements RecordFormat {
  private readonly text = new Fragments(jsonField, ',');

  constructor(private readonly file: TextOutputFile) {}

  define(entry: Definition): void {
    this.text.define(entry);
  }

  row(c: RowColumns, i: number, latency: number): void {
    const f = this.text;
    const listener = c.listener[i];
    this.file.write(
      `{"t":${c.t[i]},"id":${c.id[i]},${f.listenerOf(listener)},"clientIp":"${numberToIp(c.clientIp[i])}",` +
        `"clientPort":${c.clientPort[i]},${f.templateOf(c.template[i])},"node":${c.node[i]},` +
        `"worker":${c.worker[i]},${f.scopeOf(c.scope[i])},${f.backendOf(c.backend[i])},` +
        `${f.outcomeOf(listener, c.outcome[i])},"attempts":${c.attempts[i]},"sticky":${(c.flags[i] & FLAG_STICKY) !== 0},` +
        `"latency":${!Number.isNaN(latency) ? latency : 'null'}}\n`,
    );
  }

  close(complete: boolean): string {
    return this.file.close(complete);
  }
}

/** A JSONL record writer for `path` (written through `<path>.partial`). */
export function jsonlRecordWriter(path: string): RecordWriter {
  const file = new TextOutputFile(path);
  return new RecordWriter(path, new JsonlRecordFormat(file), file.location);
}
