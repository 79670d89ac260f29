/**
 * A variants file: the changes a sweep compares (`slbsim sweep --vary`), each a change in the form
 * `slbsim plan --change` takes, loaded and applied with the plan's machinery (`change-file.ts`,
 * `apply-change.ts`) — the same parser with positions, event schema and diagnostics.
 *
 * The file is a list of variants, or a mapping `{description?, variants}`. A variant is
 *   - a path to a change file (relative to the variants file), e.g. `../changes/seed-case-weights.yaml`;
 *   - `{name?, description?, change: <path>}`: the same, named;
 *   - `{name?, description?, events: [...]}`: the change written inline.
 * A variant's name is its own, else the change file's `name:`, else the path, else `variant N`;
 * names are unique, and `as is` is the baseline's (the scenario without a change). The loader
 * never throws, whatever the input.
 */
import { dirname, isAbsolute, join } from 'node:path';
import * as z from 'zod';
import { changeRejections } from '../plan/apply-change.js';
import {
  type Change,
  type ChangeLoadResult,
  ChangeMapping,
  changeOf,
  loadChange,
} from '../plan/change-file.js';
import { issuesToDiagnostics, sortDiagnostics } from '../scenario/issues.js';
import { loaderFailure, parseFileText, readSourceFile } from '../scenario/load.js';
import type { Diagnostic, Scenario, SourcePos } from '../scenario/scenario-model.js';
import { ALLOWED_KEYS_MARK } from '../scenario/schema.js';
import type { Path, SourceMap } from '../scenario/source.js';

/** The name of the baseline variant: the scenario without a change. */
export const BASELINE = 'as is';

/** At most this many variants in one file. */
export const MAX_VARIANTS = 1000;

export interface Variant {
  readonly name: string;
  readonly description: string | null;
  /**
   * Where the change is: the change file it references (resolved against the variants file), or
   * `file:line:col` of the inline entry in the variants file.
   */
  readonly source: string;
  readonly change: Change;
}

export interface VariantsFile {
  /** The variants file as the user typed it. */
  readonly file: string;
  readonly description: string | null;
  readonly variants: readonly Variant[];
}

export type VariantsLoadResult =
  | { readonly ok: true; readonly variants: VariantsFile }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const REF_KEYS = ['name', 'description', 'change'];
const FILE_KEYS = ['$schema', 'description', 'variants'];

const allowed = (keys: readonly string[]) => (iss: { code: string }) =>
  iss.code === 'unrecognized_keys' ? `${ALLOWED_KEYS_MARK}${keys.join(', ')}` : undefined;

const ChangeRef = z.strictObject(
  {
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    change: z.string().min(1),
  },
  { error: allowed(REF_KEYS) },
);

const VariantEntry = z.union([z.string().min(1), ChangeRef, ChangeMapping], {
  error:
    'expected a change file path, {name?, description?, change: <path>}, or {name?, description?, events: [...]}',
});

const Entries = z.array(VariantEntry);

/** The variants file: a list of variants, or a mapping with `variants:`. */
export const VariantsFileSchema = z.union(
  [
    Entries,
    z.strictObject(
      { $schema: z.string().optional(), description: z.string().optional(), variants: Entries },
      { error: allowed(FILE_KEYS) },
    ),
  ],
  {
    error:
      'expected a list of variants (change file paths or {name?, change | events}), or a mapping with variants:',
  },
);

type Entry = z.infer<typeof VariantEntry>;

function failed(diagnostics: readonly Diagnostic[]): VariantsLoadResult {
  return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}

/** A referenced change file, as a path the process can open: relative to the variants file. */
function resolveRef(variantsFile: string, ref: string): string {
  return isAbsolute(ref) ? ref : join(dirname(variantsFile), ref);
}

/** Load a referenced change file; a file that cannot be read is reported at the reference. */
function loadRef(path: string, at: SourcePos): ChangeLoadResult {
  const loaded = loadChange(path);
  if (loaded.ok) return loaded;
  const unreadable = loaded.diagnostics.find(
    (d) => d.file === path && (d.code === 'FileNotFound' || d.code === 'FileUnreadable'),
  );
  if (unreadable === undefined) return loaded;
  return {
    ok: false,
    diagnostics: [
      { ...at, code: unreadable.code, message: `${unreadable.message} (the change of this variant)` },
    ],
  };
}

function loadEntry(entry: Entry, at: Path, map: SourceMap, index: number): Variant | Diagnostic[] {
  const pos = map.pos(at);
  if (typeof entry === 'string' || 'change' in entry) {
    const ref = typeof entry === 'string' ? entry : entry.change;
    const refPos = typeof entry === 'string' ? pos : map.pos([...at, 'change']);
    const path = resolveRef(map.file, ref);
    const loaded = loadRef(path, refPos);
    if (!loaded.ok) return [...loaded.diagnostics];
    const own: { name?: string; description?: string } = typeof entry === 'string' ? {} : entry;
    return {
      name: own.name ?? loaded.change.name ?? path,
      description: own.description ?? loaded.change.description,
      source: path,
      change: loaded.change,
    };
  }
  const loaded = changeOf(entry, at, map);
  if (!loaded.ok) return [...loaded.diagnostics];
  return {
    name: loaded.change.name ?? `variant ${index + 1}`,
    description: loaded.change.description,
    source: `${pos.file}:${pos.line}:${pos.col}`,
    change: loaded.change,
  };
}

/** Load variants text; `file` is how diagnostics name the file and what references are relative to. */
export function loadVariantsText(text: string, file: string): VariantsLoadResult {
  try {
    const parsed = parseFileText(text, file);
    if (parsed.diagnostics.length > 0) return failed(parsed.diagnostics);
    const value = parsed.value ?? [];
    const both = bothForms(value);
    if (both.length > 0) {
      // Said as such, beside the file's other shape mistakes (the entry itself is not checked twice).
      const rest = withoutEntries(value, both);
      const other = VariantsFileSchema.safeParse(rest, { reportInput: true });
      return failed([
        ...both.map(([base, i]) => ({
          ...parsed.map.pos([...base, i, 'events']),
          code: 'SchemaError',
          message: `${formatIndex(base, i)} has both change: and events:; give one — change: <path> to a change file, or events: [...] inline`,
        })),
        ...(other.success ? [] : issuesToDiagnostics(other.error.issues, rest, parsed.map)),
      ]);
    }
    const checked = VariantsFileSchema.safeParse(value, { reportInput: true });
    if (!checked.success) return failed(issuesToDiagnostics(checked.error.issues, value, parsed.map));
    const data = checked.data;
    const entries = Array.isArray(data) ? data : data.variants;
    const base: Path = Array.isArray(data) ? [] : ['variants'];
    if (entries.length === 0)
      return failed([
        {
          ...parsed.map.pos(base),
          code: 'EmptyVariants',
          message: 'the variants file lists no variant: give change file paths or {name?, change | events}',
        },
      ]);
    if (entries.length > MAX_VARIANTS)
      return failed([
        {
          ...parsed.map.pos(base),
          code: 'TooManyVariants',
          message: `${entries.length} variants: at most ${MAX_VARIANTS} make one sweep`,
        },
      ]);
    const diagnostics: Diagnostic[] = [];
    const variants: Variant[] = [];
    const named = new Map<string, number>();
    entries.forEach((entry, i) => {
      const at = [...base, i];
      const variant = loadEntry(entry, at, parsed.map, i);
      if (Array.isArray(variant)) {
        diagnostics.push(...variant);
        return;
      }
      const namePos = parsed.map.has([...at, 'name']) ? parsed.map.pos([...at, 'name']) : parsed.map.pos(at);
      const first = named.get(variant.name);
      if (variant.name === BASELINE)
        diagnostics.push({
          ...namePos,
          code: 'DuplicateVariant',
          message: `the name "${BASELINE}" is the baseline's (the scenario without a change): name the variant otherwise`,
        });
      else if (first !== undefined)
        diagnostics.push({
          ...namePos,
          code: 'DuplicateVariant',
          message: `variant "${variant.name}" is named twice (first at ${formatIndex(base, first)}): give each variant its own name`,
        });
      else named.set(variant.name, i);
      variants.push(variant);
    });
    if (diagnostics.length > 0) return failed(diagnostics);
    return {
      ok: true,
      variants: { file, description: Array.isArray(data) ? null : (data.description ?? null), variants },
    };
  } catch (err) {
    return failed([loaderFailure(file, 'variants loader', err)]);
  }
}

/** `value` with the listed entries replaced by a valid one, for checking the rest. */
function withoutEntries(value: unknown, entries: ReadonlyArray<[Path, number]>): unknown {
  const drop = new Set(entries.map(([, i]) => i));
  const fix = (list: unknown[]) => list.map((e, i) => (drop.has(i) ? 'checked-separately.yaml' : e));
  if (Array.isArray(value)) return fix(value);
  const o = value as { variants: unknown[] };
  return { ...o, variants: fix(o.variants) };
}

/** The entries (list path, index) that are mappings with both `change:` and `events:`. */
function bothForms(value: unknown): Array<[Path, number]> {
  const list = Array.isArray(value)
    ? { base: [] as Path, entries: value as unknown[] }
    : typeof value === 'object' && value !== null && Array.isArray((value as { variants?: unknown }).variants)
      ? { base: ['variants'] as Path, entries: (value as { variants: unknown[] }).variants }
      : null;
  if (list === null) return [];
  const out: Array<[Path, number]> = [];
  list.entries.forEach((e, i) => {
    if (typeof e === 'object' && e !== null && 'change' in e && 'events' in e) out.push([list.base, i]);
  });
  return out;
}

function formatIndex(base: Path, i: number): string {
  return base.length === 0 ? `[${i}]` : `${base.join('.')}[${i}]`;
}

/** Load a variants file (YAML, or JSON when it ends in `.json`), read as a scenario file is. */
export function loadVariants(path: string): VariantsLoadResult {
  const read = readSourceFile(path, 'variants');
  if ('diagnostic' in read) return failed([read.diagnostic]);
  return loadVariantsText(read.text, path);
}

/**
 * Every rejection the variants bring to the scenario, each as `slbsim plan` reports it (CLB's
 * error code at the event's position). Empty: every variant can be applied.
 */
export function variantRejections(scenario: Scenario, variants: VariantsFile): Diagnostic[] {
  return sortDiagnostics(variants.variants.flatMap((v) => changeRejections(scenario, v.change)));
}
