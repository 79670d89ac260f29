/**
 * The scenario file as text and as a YAML document with positions. JSON files are checked with
 * `JSON.parse` (the authority on JSON syntax) and then read through the same YAML parser, which
 * keeps every node's offset; a `LineCounter` turns offsets into 1-based line:col.
 *
 * `SourceMap` answers "where is the node at this path" (`['events', 3, 'params', 'Weight']`),
 * following aliases and `<<` merge keys; a path that does not exist resolves to its deepest
 * existing ancestor, so a missing field points at the mapping that lacks it.
 */
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  Parser,
} from 'yaml';
import type { Diagnostic, SourcePos } from './scenario-model.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** `events[3].params.BackendServers[0].Weight`; odd keys are quoted: `service.backends["i-1:80"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Deepest nesting of collections a scenario may have (the loader says so instead of overflowing). */
export const MAX_NESTING = 64;

/** Keys that are JavaScript's own property names: never a scenario key, refused everywhere. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** V8's "Unexpected end of JSON input": the text so far may be the beginning of valid JSON. */
const JSON_END = /^Unexpected end of JSON input/;

/**
 * The offset of a JSON syntax error. V8 names the position ("at position N", "line L column C")
 * for most errors but not for an unexpected token (`NaN`, a `//` comment, a trailing comma): then
 * the offset is the end of the shortest prefix of the text that is already wrong (found by
 * bisection; only on a failed parse).
 */
function jsonErrorOffset(message: string, text: string): number {
  const pos = /at position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    let offset = 0;
    for (let l = 1; l < Number(lc[1]); l++) {
      const nl = text.indexOf('\n', offset);
      if (nl < 0) break;
      offset = nl + 1;
    }
    return offset + Number(lc[2]) - 1;
  }
  if (JSON_END.test(message)) return text.length;
  // A prefix that is merely incomplete fails at its very end, or with "Unexpected end".
  const wrong = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (err) {
      const m = (err as Error).message;
      if (JSON_END.test(m)) return false;
      const at = /at position (\d+)/.exec(m);
      return at === null || Number(at[1]) < k;
    }
  };
  let lo = 0;
  let hi = text.length;
  if (!wrong(hi)) return text.length;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (wrong(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/** The JSON error message without V8's quoted excerpt of the input, with a hint for YAML-isms. */
function jsonErrorMessage(message: string, text: string, offset: number): string {
  const base = message
    .replace(/,? (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '');
  const at = text.slice(offset, offset + 8);
  if (at.startsWith('/')) return `${base}: JSON has no comments`;
  if (/^(?:NaN|-?Infinity)/.test(at) || /^(?:NaN|Infinity)/.test(text.slice(offset - 1)))
    return `${base}: JSON has no NaN or Infinity`;
  if (/^[\]}]/.test(at) && /,\s*$/.test(text.slice(Math.max(0, offset - 64), offset)))
    return `${base}: JSON allows no comma before a closing bracket`;
  return base;
}

export interface ParsedSource {
  readonly map: SourceMap;
  /** The document as plain data (aliases and merges resolved); undefined when it cannot be built. */
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parse scenario text. YAML syntax errors (`YamlSyntax`), JSON syntax errors (`JsonSyntax`) and
 * duplicate keys (`DuplicateKey`) become diagnostics; all of them are reported, not just the first.
 * Refused as syntax errors too: a NUL character, nesting deeper than MAX_NESTING (checked on the
 * parser's own stack, before anything recurses), a second YAML document, an unknown tag and every
 * other YAML warning. Refused as schema errors: a reserved key (`__proto__`, `constructor`,
 * `prototype`) anywhere, and a NUL character in a key or string value (`"\0"`).
 */
export function parseSource(text: string, file: string, json: boolean): ParsedSource {
  const lines = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const syntax = json ? 'JsonSyntax' : 'YamlSyntax';
  const textLength = text.endsWith('\n') ? text.length : text.length + 1;

  const nul = text.indexOf('\0');
  if (nul >= 0) {
    // The position needs the lines up to the NUL.
    lines.addNewLine(0);
    for (let nl = text.indexOf('\n'); nl >= 0 && nl < nul; nl = text.indexOf('\n', nl + 1))
      lines.addNewLine(nl + 1);
    const map = new SourceMap(undefined, lines, file, textLength);
    diagnostics.push(
      map.diagnosticAt(nul, syntax, 'a NUL character (\\0): a scenario file is text, not binary data'),
    );
    return { map, value: undefined, diagnostics };
  }

  // The concrete syntax tree, built without recursion; its stack is the nesting depth.
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  let tooDeep = -1;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length - 1 > MAX_NESTING) {
      tooDeep = parser.offset;
      break;
    }
  }
  if (tooDeep >= 0) {
    const map = new SourceMap(undefined, lines, file, textLength);
    diagnostics.push(map.diagnosticAt(tooDeep, syntax, `nesting deeper than ${MAX_NESTING} levels`));
    return { map, value: undefined, diagnostics };
  }
  for (const token of parser.end()) tokens.push(token);
  const composer = new Composer({
    merge: !json,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'silent',
  });
  const docs = [...composer.compose(tokens, true, text.length)];
  const doc = docs[0] as Document;
  const map = new SourceMap(doc, lines, file, textLength);
  if (docs.length > 1)
    diagnostics.push(
      map.diagnosticAt(
        docs[1].range[0],
        syntax,
        'a second YAML document: a scenario file holds exactly one (remove the --- line or split the file)',
      ),
    );
  let jsonValue: unknown;
  let jsonOk = true;
  if (json) {
    try {
      jsonValue = JSON.parse(text);
    } catch (err) {
      jsonOk = false;
      const message = (err as Error).message;
      const offset = jsonErrorOffset(message, text);
      diagnostics.push(map.diagnosticAt(offset, 'JsonSyntax', jsonErrorMessage(message, text, offset)));
    }
  }
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\s,{}[\]]+)/.exec(text.slice(e.pos[0]))?.[1] ?? '';
      diagnostics.push(
        map.diagnosticAt(
          e.pos[0],
          'DuplicateKey',
          `duplicate key${key ? ` ${key}` : ''}: a key may appear only once in a mapping`,
        ),
      );
    } else if (!json) {
      diagnostics.push(map.diagnosticAt(e.pos[0], 'YamlSyntax', e.message));
    }
  }
  if (!json)
    for (const w of doc.warnings)
      diagnostics.push(
        map.diagnosticAt(
          w.pos[0],
          'YamlSyntax',
          w.code === 'TAG_RESOLVE_FAILED'
            ? `${w.message.replace(/^Unresolved tag: /, 'unknown tag ')}: scenario files use no custom tags`
            : w.message,
        ),
      );
  if (json && !jsonOk) return { map, value: undefined, diagnostics };
  if (diagnostics.length > 0) return { map, value: undefined, diagnostics };
  for (const key of nonScalarKeys(doc.contents))
    diagnostics.push(
      map.diagnosticAt(
        key.range?.[0] ?? 0,
        'YamlSyntax',
        'a mapping key must be a plain value, not a collection',
      ),
    );
  if (!json)
    for (const node of badMerges(doc))
      diagnostics.push(
        map.diagnosticAt(
          node.range?.[0] ?? 0,
          'YamlSyntax',
          'a merge (<<) takes a mapping, an alias of one, or a list of them',
        ),
      );
  if (diagnostics.length > 0) return { map, value: undefined, diagnostics };
  let value: unknown;
  if (json && doc.errors.length > 0) value = jsonValue;
  else {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      diagnostics.push(map.diagnosticAt(0, 'YamlSyntax', (err as Error).message));
      return { map, value: undefined, diagnostics };
    }
  }
  diagnostics.push(...unsafeContent(value, map));
  return { map, value: diagnostics.length > 0 ? undefined : value, diagnostics };
}

/**
 * Keys no scenario may have (`__proto__`, `constructor`, `prototype`: every mapping of the file,
 * `params` and other free-form mappings included, so no such key reaches an object the program
 * builds) and NUL characters in keys and strings.
 */
function unsafeContent(root: unknown, map: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown, path: PathSegment[]): void => {
    if (typeof v === 'string') {
      if (v.includes('\0'))
        out.push({
          ...map.pos(path),
          code: 'SchemaError',
          message: `${formatPath(path) || 'the file'}: a NUL character (\\0) in a string`,
        });
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        visit(item, [...path, i]);
      });
      return;
    }
    for (const key of Object.keys(v)) {
      const where = path.length === 0 ? 'the top level' : formatPath(path);
      if (RESERVED_KEYS.has(key))
        out.push({
          ...map.keyPos(path, key),
          code: 'SchemaError',
          message: `unknown key ${key} in ${where}: a reserved JavaScript name is never a scenario key`,
        });
      else if (key.includes('\0'))
        out.push({
          ...map.keyPos(path, key),
          code: 'SchemaError',
          message: `${where}: a NUL character (\\0) in a key`,
        });
      else visit((v as Record<string, unknown>)[key], [...path, key]);
    }
  };
  visit(root, []);
  return out;
}

/** Keys that are maps or sequences (plain data cannot represent them). */
function nonScalarKeys(root: unknown): Node[] {
  const found: Node[] = [];
  const seen = new Set<unknown>();
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object' || seen.has(n)) return;
    seen.add(n);
    if (isMap(n)) {
      for (const pair of n.items) {
        if (isMap(pair.key) || isSeq(pair.key)) found.push(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) visit(item);
    }
  };
  visit(root);
  return found;
}

/**
 * The values of `<<` merge keys that are not a mapping, an alias of one, or a list of those: the
 * yaml library refuses them only while building the data, with no position, so they are found here
 * first (a regression of the fast-check property in test/scenario/load.refusals.test.ts).
 */
function badMerges(doc: Document): Node[] {
  const found: Node[] = [];
  const seen = new Set<unknown>();
  const mapLike = (n: unknown): boolean => {
    let cur = n;
    for (let hops = 0; hops < 100 && isAlias(cur); hops++) cur = cur.resolve(doc);
    return isMap(cur);
  };
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object' || seen.has(n)) return;
    seen.add(n);
    if (isMap(n)) {
      for (const pair of n.items) {
        const k = isScalar(pair.key) ? pair.key.value : undefined;
        if (k === '<<' || typeof k === 'symbol') {
          const v = pair.value;
          const ok = isSeq(v) ? v.items.every(mapLike) : mapLike(v);
          if (!ok) found.push((v ?? pair.key) as Node);
        }
        visit(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) visit(item);
    }
  };
  visit(doc.contents);
  return found;
}

/** Positions of the nodes of one parsed document. */
export class SourceMap {
  constructor(
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
    /** The file as the user typed it. */
    readonly file: string,
    /** Length of the text: an error at its very end is shown at the end of the last line. */
    private readonly textLength = Number.POSITIVE_INFINITY,
  ) {}

  /** A map for a file that could not be read or parsed: every position is 1:1. */
  static empty(file: string): SourceMap {
    return new SourceMap(undefined, new LineCounter(), file);
  }

  /** The position of an offset in the text. */
  posAtOffset(offset: number, field?: string): SourcePos {
    const end = this.textLength - 1;
    const at = offset >= end && end >= 0 ? end : Math.max(0, offset);
    const { line, col } = this.lines.linePos(at);
    const pos = { file: this.file, line: Math.max(1, line), col: Math.max(1, col) };
    return field === undefined ? pos : { ...pos, field };
  }

  diagnosticAt(offset: number, code: string, message: string, field?: string): Diagnostic {
    return { ...this.posAtOffset(offset, field), code, message };
  }

  /** The position of the value at `path` (or of its deepest existing ancestor). */
  pos(path: Path): SourcePos {
    const { node, keyNode } = this.locate(path);
    const field = formatPath(path);
    const offset = node?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
    return this.posAtOffset(offset, field === '' ? undefined : field);
  }

  /** The position of the key `key` of the mapping at `path` (for unknown keys). */
  keyPos(path: Path, key: string): SourcePos {
    const full = [...path, key];
    const { keyNode, node, depth } = this.locate(full);
    const offset = depth === full.length ? keyNode?.range?.[0] : node?.range?.[0];
    return this.posAtOffset(offset ?? 0, formatPath(full));
  }

  /** Whether a node exists at `path`. */
  has(path: Path): boolean {
    return this.locate(path).depth === path.length;
  }

  /**
   * Every node path under `path` with its position, relative to `path` and written the way API
   * parameter paths are (`BackendServers[0].Weight`).
   */
  positionsUnder(path: Path): Map<string, SourcePos> {
    const out = new Map<string, SourcePos>();
    const { node, depth } = this.locate(path);
    if (depth !== path.length || node === undefined) return out;
    const seen = new Set<unknown>();
    const visit = (n: Node | undefined, rel: PathSegment[]): void => {
      const r = this.resolve(n);
      if (r === undefined || seen.has(r)) return;
      if (rel.length > 0)
        out.set(formatPath(rel), this.posAtOffset(n?.range?.[0] ?? 0, formatPath([...path, ...rel])));
      if (isMap(r)) {
        seen.add(r);
        for (const pair of this.pairs(r)) {
          const k = isScalar(pair.key) ? pair.key.value : undefined;
          if (typeof k !== 'string' && typeof k !== 'number') continue;
          const value = pair.value as Node | null;
          visit(value ?? (pair.key as Node), [...rel, String(k)]);
        }
        seen.delete(r);
      } else if (isSeq(r)) {
        seen.add(r);
        r.items.forEach((item, i) => {
          visit(item as Node, [...rel, i]);
        });
        seen.delete(r);
      }
    };
    visit(node, []);
    return out;
  }

  private resolve(n: unknown): Node | undefined {
    let cur = n;
    for (let hops = 0; hops < 100 && isAlias(cur); hops++) cur = this.doc ? cur.resolve(this.doc) : undefined;
    return (cur ?? undefined) as Node | undefined;
  }

  /** The pairs of a mapping, own keys first, then keys merged in with `<<`. */
  private pairs(map: unknown, seen: Set<unknown> = new Set()): Pair[] {
    if (!isMap(map) || seen.has(map)) return [];
    seen.add(map);
    const own: Pair[] = [];
    const merged: Pair[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      // With `merge: true` the parser gives the `<<` key a symbol value.
      const isMerge =
        isScalar(pair.key) &&
        (k === '<<' || typeof k === 'symbol') &&
        (isAlias(pair.value) || isSeq(pair.value));
      if (isMerge) {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const s of sources) merged.push(...this.pairs(this.resolve(s), seen));
      } else own.push(pair);
    }
    return [...own, ...merged];
  }

  private locate(path: Path): { node: Node | undefined; keyNode: Node | undefined; depth: number } {
    let node = (this.doc?.contents ?? undefined) as Node | undefined;
    let keyNode: Node | undefined;
    let depth = 0;
    for (const seg of path) {
      const container = this.resolve(node);
      if (isMap(container)) {
        const pair = this.pairs(container).find((p) => {
          const k = isScalar(p.key) ? p.key.value : undefined;
          return k !== undefined && k !== null && String(k) === String(seg);
        });
        if (!pair) break;
        keyNode = pair.key as Node;
        // `key:` with nothing after it: the key is the best position.
        node = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(container) && typeof seg === 'number' && seg >= 0 && seg < container.items.length) {
        keyNode = undefined;
        node = container.items[seg] as Node;
      } else break;
      depth++;
    }
    return { node, keyNode, depth };
  }
}
