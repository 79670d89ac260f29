/**
 * Loading a scenario file: read → parse with positions (YAML, or JSON by extension) → validate
 * against the one schema → compile to the `Scenario` model. Every problem found on the way is one
 * Diagnostic (`file:line:col: CODE message`) with the file as the user typed it; all problems are
 * reported together, not just the first. The loader never throws, whatever the input.
 *
 * Rejected OpenAPI events are found by folding (`stateAt`, `checkScenario`), not here.
 */

import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { issuesToDiagnostics, sortDiagnostics } from './issues.js';
import { type CompileOverrides, compileScenario } from './scenario-compiler.js';
import type { Diagnostic, Scenario } from './scenario-model.js';
import { ScenarioFile } from './schema.js';
import { parseSource, SourceMap } from './source.js';

export { checkScenario } from './check.js';
export { stateAt } from './fold-at.js';

export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export type LoadOverrides = CompileOverrides;

/**
 * The largest scenario file read (4 MiB). The YAML parser keeps a syntax tree of about 70 bytes
 * per byte of input, so a file at the limit parses in about 300 MiB; a larger one is refused with
 * FileTooLarge before it is parsed.
 */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

export const EMPTY_SCENARIO_MESSAGE =
  'Empty scenario: no topology, no events (add instances, topology, events or timeline)';

function failed(diagnostics: Diagnostic[]): LoadResult {
  return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}

/** Whether `path` is read as JSON (by extension); everything else is YAML. */
export function isJsonFile(path: string): boolean {
  return /\.json$/i.test(path);
}

/**
 * The text of a scenario, change or variants file parsed with positions, as every loader reads it:
 * a UTF-8 BOM dropped, JSON when the name says so, else YAML.
 */
export function parseFileText(text: string, file: string): ReturnType<typeof parseSource> {
  return parseSource(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, isJsonFile(file));
}

/** A loader that failed unexpectedly (a bug): one diagnostic at the file's start, never a stack trace. */
export function loaderFailure(file: string, loader: string, err: unknown): Diagnostic {
  return {
    file,
    line: 1,
    col: 1,
    code: 'InternalError',
    message: `the ${loader} failed unexpectedly (please report it): ${(err as Error)?.message ?? String(err)}`,
  };
}

/**
 * Load scenario text. `file` is how diagnostics name the file; `absFile` anchors relative paths
 * (the trace) and becomes `Scenario.file`.
 */
export function loadScenarioText(
  text: string,
  file: string,
  overrides: LoadOverrides = {},
  absFile: string = resolve(file),
): LoadResult {
  try {
    const parsed = parseFileText(text, file);
    if (parsed.diagnostics.length > 0) return failed(parsed.diagnostics);
    const value = parsed.value;
    const empty = parsed.map.diagnosticAt(0, 'EmptyScenario', EMPTY_SCENARIO_MESSAGE);
    // An empty file, only comments, `~`: nothing to simulate.
    if (value === null || value === undefined) return failed([empty]);
    const checked = ScenarioFile.safeParse(value, { reportInput: true });
    if (!checked.success) return failed(issuesToDiagnostics(checked.error.issues, value, parsed.map));
    const { scenario, diagnostics } = compileScenario(checked.data, parsed.map, absFile, overrides);
    if (diagnostics.length > 0) return failed(diagnostics);
    if (scenario.events.length === 0 && scenario.faults.length === 0) return failed([empty]);
    return { ok: true, scenario };
  } catch (err) {
    // A loader bug must still not surface as a stack trace.
    return failed([loaderFailure(file, 'loader', err)]);
  }
}

/** What a path is, for a message: "a directory", "a FIFO", … */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** How the refusal of a file that is not a regular one names each kind of input. */
const WHAT_MUST_BE_REGULAR = {
  scenario: 'a scenario',
  change: 'a change file',
  variants: 'a variants file',
} as const;

/**
 * Read an input file of the scenario grammar — a scenario, and the change and variants files
 * read with its parser (`kind` names it in messages): only a regular file (a FIFO without a
 * writer or `/dev/zero` would hang or never end), at most MAX_SCENARIO_BYTES, UTF-8. The file is
 * opened non-blocking so that opening a FIFO returns at once; what it is is then decided on the
 * open descriptor.
 */
export function readSourceFile(
  path: string,
  kind: keyof typeof WHAT_MUST_BE_REGULAR = 'scenario',
): { text: string } | { diagnostic: Diagnostic } {
  const map = SourceMap.empty(path);
  const problem = (code: string, message: string) => ({ diagnostic: map.diagnosticAt(0, code, message) });
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return problem('FileNotFound', `no such file: ${path}`);
    if (e.code === 'EISDIR') return problem('FileUnreadable', `${path} is a directory, not a ${kind} file`);
    return problem('FileUnreadable', `cannot read ${path}: ${e.code ?? e.message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return problem('FileUnreadable', `${path} is a directory, not a ${kind} file`);
    if (!st.isFile())
      return problem(
        'FileUnreadable',
        `${path} is ${kindOf(st)}: ${WHAT_MUST_BE_REGULAR[kind]} must be a regular file (YAML or JSON)`,
      );
    const tooLarge = (size: string) =>
      problem(
        'FileTooLarge',
        `${path} is ${size}; a ${kind} file may be at most ${mib(MAX_SCENARIO_BYTES)} (parsing takes about 70 bytes of memory per byte)`,
      );
    if (st.size > MAX_SCENARIO_BYTES) return tooLarge(mib(st.size));
    // Read at most one byte more than the limit: a file that grew since fstat (or whose size
    // the system does not know, as in /proc) is caught too.
    let buf = Buffer.allocUnsafe(Math.min(st.size, MAX_SCENARIO_BYTES) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > MAX_SCENARIO_BYTES) return tooLarge(`more than ${mib(MAX_SCENARIO_BYTES)}`);
        const grown = Buffer.allocUnsafe(Math.min(2 * n + 4096, MAX_SCENARIO_BYTES + 1));
        buf.copy(grown, 0, 0, n);
        buf = grown;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    const bytes = buf.subarray(0, n);
    const text = bytes.toString('utf8');
    if (!isUtf8(bytes)) {
      // The first invalid sequence decodes to U+FFFD.
      const at = Math.max(0, text.indexOf('\uFFFD'));
      const before = text.slice(0, at);
      const line = before.split('\n').length;
      const col = at - before.lastIndexOf('\n');
      return {
        diagnostic: {
          file: path,
          line,
          col,
          code: 'FileUnreadable',
          message: `${path} is not UTF-8 text: an invalid byte sequence here`,
        },
      };
    }
    return { text };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return problem('FileUnreadable', `cannot read ${path}: ${e.code ?? e.message}`);
  } finally {
    closeSync(fd);
  }
}

/** Load a scenario file (YAML, or JSON when it ends in `.json`). */
export function loadScenario(path: string, overrides: LoadOverrides = {}): LoadResult {
  const read = readSourceFile(path);
  if ('diagnostic' in read) return failed([read.diagnostic]);
  return loadScenarioText(read.text, path, overrides, resolve(path));
}
