/**
 * A change file: the OpenAPI calls a user means to make, in the form scenario files write raw
 * events (`{action, params, at?}`), loaded with the scenario loader's machinery — the same parser
 * with positions, the same event schema, the same diagnostics (`file:line:col: CODE message`).
 *
 * Two shapes are accepted: a bare list of events, or a mapping `{name?, description?, events}`.
 * `at` defaults to 0 (the change is made before the first request); events are ordered stably by
 * time. The loader never throws, whatever the input.
 */
import * as z from 'zod';
import { issuesToDiagnostics, sortDiagnostics } from '../scenario/issues.js';
import { loaderFailure, parseFileText, readSourceFile } from '../scenario/load.js';
import type { Diagnostic, ScheduledEvent, SourcePos } from '../scenario/scenario-model.js';
import { ALLOWED_KEYS_MARK, RawEvent, type RawEventData } from '../scenario/schema.js';
import { formatPath, type Path, type SourceMap } from '../scenario/source.js';
import type { ActionParams } from '../topology/events.js';
import { parseDuration } from '../util/duration.js';

/** A loaded change: its events with positions in the change file, stable by `at`. */
export interface Change {
  /** The change file as the user typed it. */
  readonly file: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly events: readonly ScheduledEvent[];
}

export type ChangeLoadResult =
  | { readonly ok: true; readonly change: Change }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const Events = z.array(RawEvent);
const CHANGE_KEYS = ['$schema', 'name', 'description', 'events'];

/** A change as a mapping: `{name?, description?, events}` (the form a variants file writes inline). */
export const ChangeMapping = z.strictObject(
  {
    $schema: z.string().optional(),
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    events: Events,
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `${ALLOWED_KEYS_MARK}${CHANGE_KEYS.join(', ')}` : undefined,
  },
);

/** The change file: a list of OpenAPI events, or a mapping with `events:`. */
export const ChangeFile = z.union([Events, ChangeMapping], {
  error: 'expected a list of OpenAPI events {action, params, at?}, or a mapping with events:',
});

export type ChangeData = z.infer<typeof ChangeFile>;

function failed(diagnostics: readonly Diagnostic[]): ChangeLoadResult {
  return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}

/** Load change text; `file` is how diagnostics name the file. */
export function loadChangeText(text: string, file: string): ChangeLoadResult {
  try {
    const parsed = parseFileText(text, file);
    if (parsed.diagnostics.length > 0) return failed(parsed.diagnostics);
    const value = parsed.value ?? [];
    const checked = ChangeFile.safeParse(value, { reportInput: true });
    if (!checked.success) return failed(issuesToDiagnostics(checked.error.issues, value, parsed.map));
    return changeOf(checked.data, [], parsed.map);
  } catch (err) {
    return failed([loaderFailure(file, 'change loader', err)]);
  }
}

/**
 * The change of checked change data found at `at` in a parsed file (the whole file for a change
 * file, an entry of a variants file for an inline change): its events with their positions in
 * that file, stable by `at`; a change without events is an `EmptyChange` diagnostic.
 */
export function changeOf(data: ChangeData, at: Path, map: SourceMap): ChangeLoadResult {
  const list: readonly RawEventData[] = Array.isArray(data) ? data : data.events;
  const base: Path = Array.isArray(data) ? at : [...at, 'events'];
  if (list.length === 0)
    return failed([
      {
        ...map.pos(base),
        code: 'EmptyChange',
        message: 'the change has no events: list the OpenAPI calls to make, each {action, params, at?}',
      },
    ]);
  const events = list.map((e, i) => changeEvent(e, [...base, i], map));
  const order = events.map((e, i) => ({ e, i }));
  order.sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  return {
    ok: true,
    change: {
      file: map.file,
      name: Array.isArray(data) ? null : (data.name ?? null),
      description: Array.isArray(data) ? null : (data.description ?? null),
      events: order.map((x) => x.e),
    },
  };
}

/** Load a change file (YAML, or JSON when it ends in `.json`), read as a scenario file is. */
export function loadChange(path: string): ChangeLoadResult {
  const read = readSourceFile(path, 'change');
  if ('diagnostic' in read) return failed([read.diagnostic]);
  return loadChangeText(read.text, path);
}

/** One event of the change, with the positions of its parameters (as scenario events keep them). */
function changeEvent(e: RawEventData, at: Path, map: SourceMap): ScheduledEvent {
  const paramPos: Record<string, SourcePos> = {};
  for (const [rel, pos] of map.positionsUnder([...at, 'params'])) paramPos[rel] = pos;
  return {
    action: e.action,
    params: (e.params ?? {}) as ActionParams,
    at: e.at === undefined ? 0 : (parseDuration(e.at) ?? 0),
    pos: map.pos(at),
    field: formatPath(at),
    paramPos,
  };
}
