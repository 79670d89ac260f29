/**
 * The one error type every layer may raise for a mistake in the user's input: a file, a field, an
 * event, a flag. It carries one line per problem (`file:line:col: CODE message` where there is a
 * position) and the exit code; the CLI prints the lines and exits with it, never with a stack.
 * Everything else that escapes is a bug and is reported as one.
 */

/** Exit codes: 0 success, 1 a check failed (expectations, compare threshold), 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

/** A mistake in the user's input: printed as-is (one line per problem), exit code 2. */
export class UserError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(problems.join('\n'));
    this.name = 'UserError';
  }
}

/** Where in a file's line a problem is, and its code (a CLB-style error code such as `TraceRow`). */
export interface FilePosition {
  /** 1-based column. */
  readonly col?: number;
  readonly code?: string;
}

/**
 * A problem with a file the user named: it cannot be created, read or written, or a line in it is
 * malformed. The message names the file, the 1-based line when there is one, and the column and
 * code when given: `file: problem`, `file:line: problem`, `file:line:col: CODE problem`.
 * Every layer's file errors (journal, records, traces) are FileErrors, so the CLI prints them all
 * the same way.
 */
export class FileError extends UserError {
  readonly col: number | undefined;
  readonly code: string | undefined;

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    at: FilePosition = {},
  ) {
    super([fileMessage(file, problem, line, at)]);
    this.name = 'FileError';
    this.col = at.col;
    this.code = at.code;
  }
}

function fileMessage(file: string, problem: string, line: number | undefined, at: FilePosition): string {
  if (line === undefined) return `${file}: ${problem}`;
  const where = at.col === undefined ? `${file}:${line}` : `${file}:${line}:${at.col}`;
  return at.code === undefined ? `${where}: ${problem}` : `${where}: ${at.code} ${problem}`;
}
