/**
 * A Parquet record file whose write failed (a full disk): cut it back to its last complete row
 * group and, when there is room, give it a footer for those row groups, so the `.partial` file
 * stays readable (or, when not even the footer fits, ends at a row-group boundary and is
 * obviously unreadable). The row groups' bytes are known from their metadata; only those wholly
 * on disk are kept.
 */
import fs from 'node:fs';
import type { KeyValue, RowGroup, SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';

/** 'PAR1' at the start of every Parquet file. */
const MAGIC_BYTES = 4;

export interface SalvageInput {
  readonly file: string;
  readonly rowGroups: readonly RowGroup[];
  readonly schema: SchemaElement[];
  readonly createdBy: string;
  readonly kvMetadata: KeyValue[];
}

/** Cut `file` to its whole row groups and append their footer; returns what the file keeps. */
export function salvageParquet(input: SalvageInput): string {
  let onDisk = 0;
  try {
    onDisk = fs.statSync(input.file).size;
  } catch {
    return 'nothing (it cannot be read back)';
  }
  const kept = input.rowGroups.filter(
    (g) => Number(g.file_offset ?? 0n) + Number(g.total_compressed_size ?? 0n) <= onDisk,
  );
  const end = kept.reduce(
    (e, g) => Math.max(e, Number(g.file_offset ?? 0n) + Number(g.total_compressed_size ?? 0n)),
    onDisk >= MAGIC_BYTES ? MAGIC_BYTES : 0,
  );
  try {
    fs.truncateSync(input.file, end);
  } catch {
    return 'what reached the disk (it could not be cut back)';
  }
  const rows = kept.reduce((n, g) => n + g.num_rows, 0n);
  if (end < MAGIC_BYTES) return 'no row group';
  const footer = new ByteWriter();
  const writer = new ParquetWriter({
    writer: footer,
    schema: input.schema,
    createdBy: input.createdBy,
    kvMetadata: input.kvMetadata,
  });
  writer.row_groups = [...kept];
  writer.num_rows = rows;
  writer.finish();
  try {
    fs.appendFileSync(input.file, footer.getBytes().subarray(MAGIC_BYTES));
    return `its ${kept.length} complete row groups (${rows} rows) and a footer`;
  } catch {
    try {
      fs.truncateSync(input.file, end);
    } catch {
      // As it is.
    }
    return `its ${kept.length} complete row groups (${rows} rows), without a footer (no room for it)`;
  }
}
