/**
 * Loading a scenario file: read → parse with positions (YAML, or JSON by extension) → validate
 * against the one schema → compile to the `Scenario` model. Every problem found on the way is one
 * Diagnostic (`file:line:col: CODE message`) with the file as the user typed it; all problems are
 * reported together, not just the first. The loader never throws, whatever the input.
 *
 * Rejected OpenAPI events are found by folding (`stateAt`, `checkScenario`), not here.
 */
import { readFileSync } from 'node:fs';
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

function failed(diagnostics: Diagnostic[]): LoadResult {
  return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}

/** Whether `path` is read as JSON (by extension); everything else is YAML. */
export function isJsonFile(path: string): boolean {
  return /\.json$/i.test(path);
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
    const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const parsed = parseSource(source, file, isJsonFile(file));
    if (parsed.diagnostics.length > 0) return failed(parsed.diagnostics);
    // An empty document is an empty scenario.
    const value = parsed.value ?? {};
    const checked = ScenarioFile.safeParse(value, { reportInput: true });
    if (!checked.success) return failed(issuesToDiagnostics(checked.error.issues, value, parsed.map));
    const { scenario, diagnostics } = compileScenario(checked.data, parsed.map, absFile, overrides);
    if (diagnostics.length > 0) return failed(diagnostics);
    return { ok: true, scenario };
  } catch (err) {
    // A loader bug must still not surface as a stack trace.
    return failed([
      {
        file,
        line: 1,
        col: 1,
        code: 'InternalError',
        message: `the loader failed unexpectedly (please report it): ${(err as Error)?.message ?? String(err)}`,
      },
    ]);
  }
}

/** Load a scenario file (YAML, or JSON when it ends in `.json`). */
export function loadScenario(path: string, overrides: LoadOverrides = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const map = SourceMap.empty(path);
    const message =
      e.code === 'ENOENT'
        ? `no such file: ${path}`
        : e.code === 'EISDIR'
          ? `${path} is a directory, not a scenario file`
          : `cannot read ${path}: ${e.message}`;
    return failed([map.diagnosticAt(0, e.code === 'ENOENT' ? 'FileNotFound' : 'FileUnreadable', message)]);
  }
  return loadScenarioText(text, path, overrides, resolve(path));
}
