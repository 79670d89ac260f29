/**
 * The fields of CLB's layer-7 access log (SLS topic `slb_layer7_access_log`) that `slbsim logs`
 * reads, and how each becomes part of a request (clb-semantics.md §8):
 *
 * | field | becomes |
 * |---|---|
 * | `time` (else `__time__`) | the arrival: ISO 8601 (`2024-05-06T10:00:01+08:00`, fractions allowed, `Z` or an offset; none = UTC), nginx's `06/May/2024:10:00:01 +0800`, or a Unix time in seconds (milliseconds when ≥ 10^11) |
 * | `slbid` + `slb_vport` | the listener (`<slbid>:<http or https>:<vport>`); `scheme` is checked against the listener's protocol when present |
 * | `http_host`, else `host` | the Host for rule matching (`host` may fall back to the backend IP) |
 * | `request_uri` | the path, query string (from `?`) and fragment stripped |
 * | `client_ip`, `client_port` | the client (port optional) |
 * | `upstream_addr` | the backend(s): `IP:port`, several comma-separated after retries (the last one answered), `-` or empty when none |
 * | `status`, `upstream_status` | the answer to the client and the last upstream's status |
 *
 * SLS exports every value as a string; numbers are accepted too. The parsers below work on bytes
 * of the read buffer so the reader makes no string per field.
 */

/** A field value found in a row: `[start, end)` in the line's buffer, or start = -1 when absent. */
export const ABSENT = -1;

/** The field names, as SLS spells them. */
export const FIELD = {
  time: 'time',
  unixTime: '__time__',
  slbid: 'slbid',
  vport: 'slb_vport',
  scheme: 'scheme',
  httpHost: 'http_host',
  host: 'host',
  uri: 'request_uri',
  clientIp: 'client_ip',
  clientPort: 'client_port',
  upstream: 'upstream_addr',
  status: 'status',
  upstreamStatus: 'upstream_status',
} as const;

export type FieldKey = keyof typeof FIELD;
export const FIELD_KEYS = Object.keys(FIELD) as FieldKey[];
export const REQUIRED_FIELDS: readonly FieldKey[] = ['slbid', 'vport', 'clientIp', 'upstream'];

/** One row of the log, reused by the reader for every row (copy what you keep). */
export class LogRow {
  /** Index of the file in the list given to the reader. */
  file = 0;
  /** 1-based line in the file. */
  line = 0;
  /** Arrival, Unix milliseconds. */
  timeMs = 0;
  /** Interned ids (see `LogReader`); `host` is -1 when the row has none. */
  slbid = 0;
  vport = 0;
  /** 0 = absent, 1 = http, 2 = https, 3 = something else. */
  scheme = 0;
  host = -1;
  path = 0;
  clientIp = 0;
  clientPort = 0;
  /** Interned `upstream_addr`, -1 when no upstream was used (`-` or empty). */
  upstream = -1;
  status = 0;
  /** The last upstream status, 0 when none. */
  upstreamStatus = 0;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Days since 1970-01-01 of a civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
    return false;
  const dim =
    mo === 12 ? 31 : DAYS_BEFORE_MONTH[mo] - DAYS_BEFORE_MONTH[mo - 1] + (mo === 2 && leap(y) ? 1 : 0);
  return d <= dim;
}

/** `±HH:MM`, `±HHMM`, `Z` or nothing at `[at, end)` → offset in minutes, or NaN. */
function zone(b: Uint8Array, at: number, end: number): number {
  if (at === end) return 0;
  if (end - at === 1 && (b[at] === 90 || b[at] === 122)) return 0; // Z, z
  const sign = b[at] === 43 ? 1 : b[at] === 45 ? -1 : 0;
  if (sign === 0) return Number.NaN;
  const hh = digits(b, at + 1, 2);
  const colon = b[at + 3] === 58 ? 1 : 0;
  const mm = digits(b, at + 3 + colon, 2);
  if (hh < 0 || mm < 0 || at + 5 + colon !== end || hh > 23 || mm > 59) return Number.NaN;
  return sign * (hh * 60 + mm);
}

/**
 * A log time at `[at, end)` → Unix milliseconds, or NaN. ISO 8601 (`T` or a space between date and
 * time, optional fraction, `Z`/offset/none = UTC), nginx `$time_local`, or a Unix time.
 */
export function parseLogTime(b: Uint8Array, at: number, end: number): number {
  const n = end - at;
  if (n <= 0) return Number.NaN;
  const c0 = b[at];
  // A Unix time: digits with an optional fraction.
  if (n < 19 || b[at + 4] !== 45) {
    if (c0 >= 48 && c0 <= 57 && (n < 5 || b[at + 2] !== 47)) {
      let v = 0;
      let i = at;
      for (; i < end && b[i] >= 48 && b[i] <= 57; i++) v = v * 10 + (b[i] - 48);
      let frac = 0;
      let scale = 1;
      if (i < end && b[i] === 46) {
        for (i++; i < end && b[i] >= 48 && b[i] <= 57; i++) {
          frac = frac * 10 + (b[i] - 48);
          scale *= 10;
        }
      }
      if (i !== end) return Number.NaN;
      const x = v + frac / scale;
      return x >= 1e11 ? Math.round(x) : Math.round(x * 1000);
    }
    // nginx: 06/May/2024:10:00:01 +0800
    if (n >= 26 && b[at + 2] === 47 && b[at + 6] === 47 && b[at + 11] === 58) {
      const d = digits(b, at, 2);
      const mon = String.fromCharCode(b[at + 3], b[at + 4], b[at + 5]);
      const mo = MONTHS.indexOf(mon) + 1;
      const y = digits(b, at + 7, 4);
      const h = digits(b, at + 12, 2);
      const mi = digits(b, at + 15, 2);
      const s = digits(b, at + 18, 2);
      if (b[at + 20] !== 32 || !validDate(y, mo, d, h, mi, s)) return Number.NaN;
      const z = zone(b, at + 21, end);
      if (Number.isNaN(z)) return Number.NaN;
      return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi - z) * 60_000 + s * 1000;
    }
    return Number.NaN;
  }
  // ISO 8601: 2024-05-06T10:00:01[.123][Z|+08:00]
  const y = digits(b, at, 4);
  const mo = digits(b, at + 5, 2);
  const d = digits(b, at + 8, 2);
  const sep = b[at + 10];
  const h = digits(b, at + 11, 2);
  const mi = digits(b, at + 14, 2);
  const s = digits(b, at + 17, 2);
  if (
    b[at + 7] !== 45 ||
    (sep !== 84 && sep !== 32 && sep !== 116) ||
    b[at + 13] !== 58 ||
    b[at + 16] !== 58 ||
    !validDate(y, mo, d, h, mi, s)
  )
    return Number.NaN;
  let i = at + 19;
  let ms = 0;
  if (i < end && (b[i] === 46 || b[i] === 44)) {
    let scale = 100;
    for (i++; i < end && b[i] >= 48 && b[i] <= 57; i++) {
      ms += (b[i] - 48) * scale;
      scale /= 10;
    }
  }
  const z = zone(b, i, end);
  if (Number.isNaN(z)) return Number.NaN;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi - z) * 60_000 + s * 1000 + Math.round(ms);
}

/** A dotted IPv4 at `[at, end)` → unsigned 32-bit number, or -1. */
export function parseIpv4(b: Uint8Array, at: number, end: number): number {
  let ip = 0;
  let part = 0;
  let len = 0;
  let dots = 0;
  for (let i = at; i < end; i++) {
    const c = b[i];
    if (c === 46) {
      if (len === 0 || dots === 3) return -1;
      ip = ip * 256 + part;
      part = 0;
      len = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++len > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || len === 0) return -1;
  return ip * 256 + part;
}

/** Decimal digits at `[at, end)` → integer, or -1 (empty, or any other character). */
export function parseUint(b: Uint8Array, at: number, end: number): number {
  if (end <= at || end - at > 9) return -1;
  let v = 0;
  for (let i = at; i < end; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** The last status in an `upstream_status` list (`502, 200` → 200); 0 for `-` or none. */
export function lastStatus(b: Uint8Array, at: number, end: number): number {
  let e = end;
  while (e > at && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  let s = e;
  while (s > at && b[s - 1] >= 48 && b[s - 1] <= 57) s--;
  const v = parseUint(b, s, e);
  return Math.max(v, 0);
}

/** Where the path of a `request_uri` ends: before `?` or `#`. */
export function pathEnd(b: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end; i++) if (b[i] === 63 || b[i] === 35) return i;
  return end;
}

/** Whether `[at, end)` holds no upstream: empty or `-` (blanks around allowed). */
export function isNoUpstream(b: Uint8Array, at: number, end: number): boolean {
  let s = at;
  let e = end;
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  return s === e || (e - s === 1 && b[s] === 45);
}

/** Format Unix milliseconds as ISO 8601 UTC with seconds (`2024-05-06T02:00:01Z`), ms when present. */
export function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}
