/**
 * Input files of an import as JSON with positions: each file is parsed by the scenario loader's
 * parser (`scenario/source.ts`: `JSON.parse` for syntax, the YAML parser for node offsets), so
 * every value read from it can be reported as `file:line:col`. A `JsonNode` is one value of one
 * file with its path; importers walk nodes, never bare values, so a problem or a generated event
 * can always say where it came from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, SourcePos } from '../scenario/scenario-model.js';
import { type Path, parseSource, SourceMap } from '../scenario/source.js';

/** One parsed input file. */
export interface JsonFile {
  /** The file as the user named it (or as found under a directory the user named). */
  readonly file: string;
  readonly value: unknown;
  readonly map: SourceMap;
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value inside an input file, with its path. */
export class JsonNode {
  constructor(
    readonly src: JsonFile,
    readonly path: Path,
    readonly value: unknown,
  ) {}

  static root(src: JsonFile): JsonNode {
    return new JsonNode(src, [], src.value);
  }

  get file(): string {
    return this.src.file;
  }

  /** The child at `key` (an absent key gives a node whose value is undefined). */
  at(key: string | number): JsonNode {
    const v = this.value;
    let child: unknown;
    if (typeof key === 'number') child = Array.isArray(v) ? v[key] : undefined;
    else child = isObject(v) ? v[key] : undefined;
    return new JsonNode(this.src, [...this.path, key], child);
  }

  /** Whether the value is an object that has `key` with a given (non-empty) value. */
  has(key: string): boolean {
    return isObject(this.value) && !isEmpty(this.value[key]);
  }

  isObject(): boolean {
    return isObject(this.value);
  }

  keys(): string[] {
    return isObject(this.value) ? Object.keys(this.value) : [];
  }

  /** The elements of an array value. */
  items(): JsonNode[] {
    return Array.isArray(this.value) ? this.value.map((_, i) => this.at(i)) : [];
  }

  pos(): SourcePos {
    return this.src.map.pos(this.path);
  }

  /** `file:line` of the value (for comments in generated files). */
  where(): string {
    const p = this.pos();
    return `${p.file}:${p.line}`;
  }

  diagnostic(code: string, message: string): Diagnostic {
    const p = this.pos();
    return { file: p.file, line: p.line, col: p.col, code, message, ...(p.field ? { field: p.field } : {}) };
  }
}

/** `null`, `undefined` and `""` mean "not given" (as the API's empty fields do). */
export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** Read and parse one file; syntax problems come back as diagnostics with positions. */
export function readJsonFile(file: string): { json?: JsonFile; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const map = SourceMap.empty(file);
    const message =
      e.code === 'ENOENT' ? `no such file or directory: ${file}` : `cannot read ${file}: ${e.message}`;
    return {
      diagnostics: [map.diagnosticAt(0, e.code === 'ENOENT' ? 'FileNotFound' : 'FileUnreadable', message)],
    };
  }
  return parseJsonText(text, file);
}

/** Parse JSON text named `file`. */
export function parseJsonText(text: string, file: string): { json?: JsonFile; diagnostics: Diagnostic[] } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') {
    const map = SourceMap.empty(file);
    return {
      diagnostics: [map.diagnosticAt(0, 'JsonSyntax', 'the file is empty: expected a JSON document')],
    };
  }
  const parsed = parseSource(source, file, true);
  if (parsed.diagnostics.length > 0)
    return { diagnostics: parsed.diagnostics.map((d) => placeJsonError(d, source, parsed.map)) };
  return { json: { file, value: parsed.value, map: parsed.map }, diagnostics: [] };
}

/**
 * V8 gives no position for an unexpected token (`Unexpected token 'x', "{"a": x}" is not valid
 * JSON`), so the parser reports it at the end of the file; this puts it where the JSON grammar
 * first fails (`syntaxErrorAt`), and drops V8's excerpt of the input.
 */
function placeJsonError(d: Diagnostic, text: string, map: SourceMap): Diagnostic {
  if (d.code !== 'JsonSyntax') return d;
  if (!/^Unexpected token/.test(d.message)) return d;
  const at = syntaxErrorAt(text);
  if (at < 0) return d;
  const word =
    /^[^\s,:[\]{}"]+/.exec(text.slice(at, at + 40))?.[0] ?? JSON.stringify(text[at] ?? '').slice(1, -1);
  return map.diagnosticAt(
    at,
    'JsonSyntax',
    word === '' ? 'Unexpected end of JSON input' : `Unexpected token '${word}'`,
  );
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters.
const STRING = /"([^"\\\u0000-\u001f]|\\(["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** The offset where `text` first stops being JSON (RFC 8259), or -1 when it is JSON. */
export function syntaxErrorAt(text: string): number {
  let i = 0;
  const skip = () => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const match = (re: RegExp) => {
    re.lastIndex = i;
    if (!re.exec(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const value = (): boolean => {
    skip();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      skip();
      if (text[i] === close) return ++i > 0;
      for (;;) {
        if (c === '{') {
          if (!match(STRING)) return false;
          skip();
          if (text[i] !== ':') return false;
          i++;
        }
        if (!value()) return false;
        skip();
        if (text[i] === close) return ++i > 0;
        if (text[i] !== ',') return false;
        i++;
        skip();
      }
    }
    if (c === '"') return match(STRING);
    for (const lit of ['true', 'false', 'null']) if (text.startsWith(lit, i)) return (i += lit.length) > 0;
    return match(NUMBER);
  };
  if (!value()) return i;
  skip();
  return i < text.length ? i : -1;
}
/**
 * The files to read for the given paths: a file as given, a directory as every `*.json` file under
 * it (recursively, in name order).
 */
export function expandInputs(paths: readonly string[]): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.json$/i.test(name)) files.push(p);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      diagnostics.push(SourceMap.empty(p).diagnosticAt(0, 'FileNotFound', `no such file or directory: ${p}`));
      continue;
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const before = files.length;
    walk(p);
    if (files.length === before)
      diagnostics.push(SourceMap.empty(p).diagnosticAt(0, 'NoInput', `${p} holds no .json files`));
  }
  return { files: [...new Set(files)], diagnostics };
}
