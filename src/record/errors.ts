/**
 * The error record files raise for user-facing problems: an unknown extension, a file that cannot
 * be created or read, a malformed row. It names the file (and the line when there is one); the CLI
 * turns it into a `UserError` (exit 2). `src/record` does not import the CLI.
 */
export class RecordFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'RecordFileError';
  }
}
