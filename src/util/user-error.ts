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

/**
 * A problem with a file the user named: it cannot be created, read or written, or a line in it is
 * malformed. The message names the file (and the 1-based line when there is one).
 */
export class FileError extends UserError {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
  ) {
    super([line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`]);
    this.name = 'FileError';
  }
}
