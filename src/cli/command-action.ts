/**
 * Shared CLI plumbing (the error type itself is `util/user-error.ts`): user mistakes become one clear message per problem and exit code 2, never a
 * stack trace; an unexpected exception is a bug and is reported as one.
 */
import { readlinkSync } from 'node:fs';
import type { Diagnostic } from '../scenario/scenario-model.js';
import { EXIT_OK, EXIT_USAGE, UserError } from '../util/user-error.js';

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`;
}

export function diagnosticsError(diagnostics: readonly Diagnostic[]): UserError {
  return new UserError(diagnostics.map(formatDiagnostic));
}

/** Exit code of a run stopped by a signal: 128 + its number, as a shell reports it. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** One line for a system error that reached the top (a disk full, a permission denied). */
export function systemErrorLine(err: NodeJS.ErrnoException, path: string | undefined = err.path): string {
  const what = path !== undefined ? ` ${path}` : '';
  return `slbsim: cannot ${err.syscall ?? 'access'}${what}: ${err.code} (${errorDetail(err)})`;
}

/** "no space left on device" from "ENOSPC: no space left on device, write '/x'". */
function errorDetail(err: NodeJS.ErrnoException): string {
  return String(err.message ?? '')
    .replace(/^[A-Z0-9]+: /, '')
    .replace(/, \w+( '.*')?$/, '');
}

/**
 * The line for a failed write to stdout (`> /dev/full`, a full disk): what stdout is, when the
 * system can tell (`/proc/self/fd/1`), and the error code.
 */
export function stdoutFailureLine(
  err: NodeJS.ErrnoException,
  target: string | undefined = stdoutTarget(),
): string {
  return `slbsim: cannot write the output to stdout${target === undefined ? '' : ` (${target})`}: ${err.code ?? 'EIO'} (${errorDetail(err)})`;
}

/**
 * A write to stdout failed. `slbsim … | head` closes the pipe early: stop quietly on EPIPE with
 * the exit code so far. Anything else (`> /dev/full`, a full disk): one line, exit code 2.
 */
export function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') {
    process.exit(process.exitCode ?? 0);
    return;
  }
  process.stderr.write(`${stdoutFailureLine(err)}\n`);
  process.exit(EXIT_USAGE);
}

function stdoutTarget(): string | undefined {
  try {
    const target = readlinkSync('/proc/self/fd/1');
    return target.startsWith('/') ? target : undefined;
  } catch {
    return undefined;
  }
}

function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | undefined;
  return typeof e?.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.syscall === 'string';
}

/**
 * Wrap a command action: UserError → stderr + its exit code; a system error (a full disk, a
 * permission denied) → one line naming it, exit code 2; anything else → a bug report.
 */
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
      if (isSystemError(err)) {
        process.stderr.write(`${systemErrorLine(err)}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      process.stderr.write(
        `slbsim: internal error (please report it): ${(err as Error)?.stack ?? String(err)}\n`,
      );
      process.exitCode = 70;
    }
  };
}

/**
 * Parse a positive integer option or fail as a user error: decimal digits only (no sign, spaces,
 * exponent or hex), at most `max`.
 */
export function positiveInt(name: string, max: number = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(n) || n > max)
      throw new UserError([
        `${name}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? '≥ 1' : `1–${max}`} in decimal digits (e.g. 5000), got ${JSON.stringify(value)}`,
      ]);
    return n;
  };
}

/** A `--seed` value: any text but an empty (or all-blank) one. */
export function seedOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '')
    throw new UserError([`--seed: expected a seed such as 42 or canary-1, got ${JSON.stringify(value)}`]);
  return value;
}
