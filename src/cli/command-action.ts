/**
 * Shared CLI plumbing (the error type itself is `util/user-error.ts`): user mistakes become one clear message per problem and exit code 2, never a
 * stack trace; an unexpected exception is a bug and is reported as one.
 */
import type { Diagnostic } from '../scenario/scenario-model.js';
import { EXIT_OK, UserError } from '../util/user-error.js';

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`;
}

export function diagnosticsError(diagnostics: readonly Diagnostic[]): UserError {
  return new UserError(diagnostics.map(formatDiagnostic));
}

/** Wrap a command action: UserError → stderr + its exit code; anything else → a bug report. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | undefined> | number | undefined,
) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (err) {
      if (err instanceof UserError) {
        process.stderr.write(`${err.problems.join('\n')}\n`);
        process.exitCode = err.exitCode;
        return;
      }
      process.stderr.write(
        `slbsim: internal error (please report it): ${(err as Error)?.stack ?? String(err)}\n`,
      );
      process.exitCode = 70;
    }
  };
}

/** Parse a positive integer option or fail as a user error. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new UserError([`${name}: expected a positive integer, got "${value}"`]);
    return n;
  };
}
