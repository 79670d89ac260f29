/**
 * Schema issues → diagnostics. Each zod issue becomes one `file:line:col: CODE message` pointing at
 * the offending node: a wrong value at the value, an unknown key at the key (one diagnostic per
 * key, listing the allowed keys and the likely intended one), a missing key at the mapping that
 * lacks it. For a value that matches none of a union's forms, the form it was closest to is
 * reported (an item with `fault:` is judged as a fault, not as an API call).
 */
import type * as z from 'zod';
import { suggest } from '../topology/params.js';
import type { Diagnostic } from './scenario-model.js';
import { ALLOWED_KEYS_MARK, DURATION_MESSAGE } from './schema.js';
import { formatPath, type Path, type SourceMap } from './source.js';

type Issue = z.core.$ZodIssue;

/** Describe a value for a message: strings quoted (and shortened), collections by kind. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'an empty value',
};

function valueAt(root: unknown, path: Path): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg))
      return { found: false, value: undefined };
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return { found: true, value: cur };
}

/** How badly a union branch fits: issues at the branch's own root count most. */
function score(issues: readonly Issue[]): number {
  let s = 0;
  for (const i of issues) {
    if (i.path.length === 0 && i.code !== 'unrecognized_keys' && i.code !== 'custom') s += 10;
    else if (i.code === 'unrecognized_keys') s += i.keys.length;
    else s += 1;
  }
  return s;
}

interface Leaf {
  readonly issue: Issue;
  readonly path: Path;
}

function flatten(issue: Issue, prefix: Path, out: Leaf[]): void {
  const path = [...prefix, ...(issue.path as PropertyKey[]).filter((p) => typeof p !== 'symbol')] as Path;
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const scored = issue.errors.map((branch) => ({ branch, s: score(branch) }));
    const best = Math.min(...scored.map((x) => x.s));
    const winners = scored.filter((x) => x.s === best);
    const custom = issue.message !== 'Invalid input';
    // No form fits even in shape (or two fit equally): say what the forms are, when the schema does.
    if (!(custom && (best >= 10 || winners.length > 1))) {
      for (const i of winners[0].branch) flatten(i, path, out);
      return;
    }
  }
  out.push({ issue, path });
}

function rangeText(i: Issue): string | undefined {
  if (i.code !== 'too_small' && i.code !== 'too_big') return undefined;
  const small = i.code === 'too_small';
  const bound = small ? i.minimum : i.maximum;
  const exact = (i as { exact?: boolean }).exact === true;
  switch (i.origin) {
    case 'array':
    case 'set':
      return exact ? `exactly ${bound} items` : small ? `at least ${bound} items` : `at most ${bound} items`;
    case 'string':
      return small ? `at least ${bound} characters` : `at most ${bound} characters`;
    default:
      return `a number ${small ? (i.inclusive ? '≥' : '>') : i.inclusive ? '≤' : '<'} ${bound}`;
  }
}

function gotText(found: boolean, value: unknown, i: Issue, plain = false): string {
  if (!plain && (i.code === 'too_small' || i.code === 'too_big')) {
    if (Array.isArray(value)) return `, got ${value.length}`;
    if (typeof value === 'string') return `, got ${value.length}`;
  }
  return found ? `, got ${describeValue(value)}` : '';
}

function where(field: string): string {
  return field === '' ? 'the file' : field;
}

/** One leaf issue → its diagnostics. */
function toDiagnostics(leaf: Leaf, root: unknown, map: SourceMap): Diagnostic[] {
  const { issue: i, path } = leaf;
  const field = formatPath(path);
  const { found, value } = valueAt(root, path);
  const at = (code: string, message: string, p: Path = path) => ({ ...map.pos(p), code, message });

  if (i.code === 'unrecognized_keys') {
    const allowed = i.message.startsWith(ALLOWED_KEYS_MARK)
      ? i.message.slice(ALLOWED_KEYS_MARK.length).split(', ')
      : [];
    return i.keys.map((key) => {
      const hint = allowed.length > 0 ? suggest(key, allowed) : undefined;
      const message =
        `unknown key ${key} in ${field === '' ? 'the top level' : field}` +
        (hint ? ` (did you mean ${hint}?)` : '') +
        (allowed.length > 0 ? `; allowed keys: ${allowed.join(', ')}` : '');
      return { ...map.keyPos(path, key), code: 'SchemaError', message };
    });
  }

  if (!found && path.length > 0) {
    const parent = path.slice(0, -1);
    return [
      at(
        'SchemaError',
        `${where(formatPath(parent))}: missing required key ${String(path[path.length - 1])}`,
        parent,
      ),
    ];
  }

  if (i.message === DURATION_MESSAGE)
    return [at('BadDuration', `${where(field)}: ${DURATION_MESSAGE}${gotText(found, value, i)}`)];

  // The schema's own wording (zod's defaults start "Invalid …", "Too small …", "Too big …").
  if (i.message.startsWith('expected ') && i.code !== 'invalid_union' && path.length > 0)
    return [at('SchemaError', `${field}: ${i.message}${gotText(found, value, i, true)}`)];

  switch (i.code) {
    case 'invalid_type': {
      const expected = EXPECTED[i.expected] ?? i.expected;
      if (path.length === 0)
        return [
          at(
            'SchemaError',
            `the file must be a mapping of scenario keys (topology, events, traffic, …), got ${describeValue(value)}`,
          ),
        ];
      return [at('SchemaError', `${field}: expected ${expected}${gotText(found, value, i)}`)];
    }
    case 'invalid_value': {
      const values = i.values.map((v) => String(v));
      const hint = typeof value === 'string' ? suggest(value, values) : undefined;
      if (values.length > 12 && hint !== undefined)
        return [at('SchemaError', `${field}: unknown value ${describeValue(value)} (did you mean ${hint}?)`)];
      const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return [
        at(
          'SchemaError',
          `${field}: expected ${expected}${gotText(found, value, i)}${hint && hint !== value ? ` (did you mean ${hint}?)` : ''}`,
        ),
      ];
    }
    case 'too_small':
    case 'too_big':
      return [at('SchemaError', `${field}: expected ${rangeText(i)}${gotText(found, value, i)}`)];
    case 'invalid_format':
      return [at('SchemaError', `${field}: ${i.message}${gotText(found, value, i)}`)];
    case 'not_multiple_of':
      return [at('SchemaError', `${field}: expected a multiple of ${i.divisor}${gotText(found, value, i)}`)];
    case 'invalid_union': {
      const message = i.message === 'Invalid input' ? 'does not match any allowed form' : i.message;
      return [at('SchemaError', `${where(field)}: ${message}${gotText(found, value, i)}`)];
    }
    case 'custom':
      return [at('SchemaError', `${where(field)}: ${i.message}`)];
    default:
      return [at('SchemaError', `${where(field)}: ${i.message}`)];
  }
}

/** Every schema issue as diagnostics, in file order. */
export function issuesToDiagnostics(issues: readonly Issue[], root: unknown, map: SourceMap): Diagnostic[] {
  const leaves: Leaf[] = [];
  for (const issue of issues) flatten(issue, [], leaves);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const leaf of leaves)
    for (const d of toDiagnostics(leaf, root, map)) {
      const key = `${d.line}:${d.col}:${d.code}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
  return sortDiagnostics(out);
}

/** File order: by file, line, column (stable). */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1,
  );
}
