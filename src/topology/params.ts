/**
 * Parameter coercion shared by every action. Values arrive the way the OpenAPI takes them or the
 * way a YAML/JSON scenario writes them: numbers also as numeric strings, lists as arrays or as the
 * JSON strings the API takes, switches as `on`/`off` (booleans accepted too). `null`, `undefined`
 * and the empty string mean "not given", as an empty query parameter does.
 *
 * Every error names the offending parameter by its API path — `BackendServers[3].Weight`, with a
 * 0-based index into the list as given — so the scenario loader can point at its line and column.
 */
import type { ErrorCode } from './clb-errors.js';
import { fail } from './reject.js';
import type { OnOff } from './types.js';

/** An inclusive integer range; `code` is the error code for an out-of-range value. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
  readonly code?: ErrorCode;
}

/** Validates (and may normalise, e.g. lowercase) a string value; throws a rejection when invalid. */
export type StringFormat = (value: string, path: string) => string;

export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'a list' : 'an object';
  return String(value);
}

const INTEGER = /^[+-]?\d+$/;

/** An integer given as a number or a numeric string, within `range`. */
export function coerceInt(value: unknown, path: string, range: IntRange): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && INTEGER.test(value.trim())) n = Number(value.trim());
  else return fail('InvalidParameter', `${path} must be an integer, got ${show(value)}.`, path);
  if (!Number.isInteger(n)) return fail('InvalidParameter', `${path} must be an integer, got ${n}.`, path);
  if (n < range.min || n > range.max)
    return fail(
      range.code ?? 'InvalidParameter',
      `${path} must be between ${range.min} and ${range.max}, got ${n}.`,
      path,
    );
  return n;
}

/** A string (a finite number is taken as its decimal text, as a query string would carry it). */
export function coerceString(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fail('InvalidParameter', `${path} must be a string, got ${show(value)}.`, path);
}

/** `on` / `off` (any case), or a boolean. */
export function coerceOnOff(value: unknown, path: string): OnOff {
  if (value === true) return 'on';
  if (value === false) return 'off';
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'on' || v === 'off') return v;
  }
  return fail('InvalidParameter', `${path} must be "on" or "off", got ${show(value)}.`, path);
}

/** One of `values`; with `ignoreCase` the value is matched and returned in the listed casing. */
export function coerceEnum<T extends string>(
  value: unknown,
  path: string,
  values: readonly T[],
  ignoreCase = false,
): T {
  if (typeof value === 'string') {
    const found = ignoreCase
      ? values.find((v) => v.toLowerCase() === value.toLowerCase())
      : values.find((v) => v === value);
    if (found !== undefined) return found;
  }
  return fail('InvalidParameter', `${path} must be one of ${values.join(', ')}; got ${show(value)}.`, path);
}

/** A list given as an array or as its JSON encoding. */
export function coerceList(value: unknown, path: string, malformed: ErrorCode): readonly unknown[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (err) {
      return fail(malformed, `${path} is not valid JSON: ${(err as Error).message}`, path);
    }
  }
  if (!Array.isArray(v)) return fail(malformed, `${path} must be a list (or its JSON string).`, path);
  return v;
}

/** A JSON object (one list entry). */
export function coerceObject(
  value: unknown,
  path: string,
  malformed: ErrorCode,
): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(malformed, `${path} must be an object, got ${show(value)}.`, path);
  return value as Record<string, unknown>;
}

/** Edit distance, for "did you mean" hints on misspelt parameter names. */
function distance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  let prev = Array.from({ length: bl.length + 1 }, (_, j) => j);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (al[i - 1] === bl[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[bl.length];
}

/** The closest allowed name to `name`, when it is close enough to be a likely typo. */
export function suggest(name: string, allowed: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const d = distance(name, candidate);
    if (d < bestD) {
      best = candidate;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/**
 * Reads the parameters of one call (or of one list entry: then `prefix` is e.g. `RuleList[2].`).
 * Every accessor throws a rejection naming the parameter path when the value is unusable.
 */
export class ParamReader {
  constructor(
    readonly raw: Readonly<Record<string, unknown>>,
    readonly prefix = '',
  ) {}

  /** A reader over one list entry, which must be an object. */
  static entry(value: unknown, path: string, malformed: ErrorCode): ParamReader {
    return new ParamReader(coerceObject(value, path, malformed), `${path}.`);
  }

  /** The API path of parameter `name`. */
  path(name: string): string {
    return this.prefix + name;
  }

  /** Reject any parameter not in `allowed` (typos such as `Wieght` included); `action` names the call. */
  allow(allowed: ReadonlySet<string>, action?: string): this {
    for (const key of Object.keys(this.raw)) {
      if (allowed.has(key)) continue;
      const hint = suggest(key, allowed);
      fail(
        'InvalidParameter',
        `Unknown parameter ${this.path(key)}${action ? ` for ${action}` : ''}` +
          (hint ? ` (did you mean ${hint}?)` : '.'),
        this.path(key),
      );
    }
    return this;
  }

  has(name: string): boolean {
    return !isAbsent(this.raw[name]);
  }

  value(name: string): unknown {
    const v = this.raw[name];
    return isAbsent(v) ? undefined : v;
  }

  missing(name: string, why = ''): never {
    return fail('MissingParameter', `${this.path(name)} is required${why}.`, this.path(name));
  }

  str(name: string, format?: StringFormat): string | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    const s = coerceString(v, this.path(name));
    return format ? format(s, this.path(name)) : s;
  }

  reqStr(name: string, format?: StringFormat): string {
    return this.str(name, format) ?? this.missing(name);
  }

  int(name: string, range: IntRange): number | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : coerceInt(v, this.path(name), range);
  }

  reqInt(name: string, range: IntRange): number {
    return this.int(name, range) ?? this.missing(name);
  }

  onOff(name: string): OnOff | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : coerceOnOff(v, this.path(name));
  }

  oneOf<T extends string>(name: string, values: readonly T[], ignoreCase = false): T | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : coerceEnum(v, this.path(name), values, ignoreCase);
  }

  list(name: string, malformed: ErrorCode): readonly unknown[] | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : coerceList(v, this.path(name), malformed);
  }

  reqList(name: string, malformed: ErrorCode): readonly unknown[] {
    return this.list(name, malformed) ?? this.missing(name);
  }
}
