/**
 * The output paths of a command, checked before any work starts: `--out` must be a directory (or
 * not exist yet), `--record` and `--journal` must be two different files, and no output may be
 * one of the command's inputs (the scenario, its trace, the journal being read). Each output
 * file is written through `<file>.partial`, so those names count too. Every problem is one line
 * naming the flag; a UserError (exit code 2).
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { partialPathOf } from '../util/output-file.js';
import { UserError } from '../util/user-error.js';

export interface OutputPaths {
  readonly record?: string;
  readonly journal?: string;
  readonly out?: string;
  /** Files the command reads, by what the user calls them (`the scenario file`). */
  readonly inputs?: ReadonlyArray<readonly [what: string, path: string | undefined]>;
}

/** The path with symbolic links resolved as far as it exists. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), abs.slice(dirname(abs).length + 1));
    } catch {
      return abs;
    }
  }
}

/** Every file an output option writes: the file and its `.partial`. */
function written(path: string): string[] {
  return [canonical(path), canonical(partialPathOf(path))];
}

/** Refuse output paths that would fail late or destroy an input; returns nothing when all is well. */
export function checkOutputPaths(paths: OutputPaths): void {
  const problems: string[] = [];
  if (paths.out !== undefined) {
    let isDir = true;
    try {
      isDir = statSync(paths.out).isDirectory();
    } catch {
      // Does not exist yet: it is created.
    }
    if (!isDir)
      problems.push(
        `--out: ${paths.out} exists and is not a directory (--out names a directory for the report files)`,
      );
  }
  const outputs: Array<[string, string]> = [];
  if (paths.record !== undefined) outputs.push(['--record', paths.record]);
  if (paths.journal !== undefined) outputs.push(['--journal', paths.journal]);
  if (outputs.length === 2 && written(outputs[0][1]).some((p) => written(outputs[1][1]).includes(p)))
    problems.push(
      `--record and --journal: both name ${outputs[0][1]}${
        canonical(outputs[0][1]) === canonical(outputs[1][1]) ? '' : ` (or its .partial)`
      }; give two different files`,
    );
  for (const [flag, path] of outputs)
    for (const [what, input] of paths.inputs ?? [])
      if (input !== undefined && written(path).includes(canonical(input)))
        problems.push(`${flag}: ${path} is ${what} (${input}); writing there would overwrite the input`);
  if (problems.length > 0) throw new UserError(problems);
}
