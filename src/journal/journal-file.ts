/**
 * The journal as a file (`--journal run.jsonl`): JSON Lines, one line per journal row, in journal
 * order, and the reader that turns such a file back into `JournalBatch`es with the same rows, so
 * every projection gives from the file what it gave live (`slbsim report <journal>`).
 *
 * Lines:
 * - a control row is its entry object as the engine built it (`{"type":"RunStarted",…}`,
 *   `{"type":"ListenerDefined",…}`, …), keys in the entry's own order;
 * - a routed row is `{"type":"RequestRouted","t","id","listener","template","clientIp","clientPort",
 *   "node","worker","scope","backend","outcome","attempts","flags"}` — `listener`, `template`,
 *   `scope` and `backend` are the indices introduced by the `*Defined` lines (-1 = none),
 *   `clientIp` is dotted IPv4, `outcome` its name (`ok`, `no-eligible-backend`, …), `flags` the
 *   FLAG_* bits;
 * - a completed row is `{"type":"RequestCompleted","t","id","scope","backend","latency"}`.
 * Times and latencies are µs, numbers exactly as in memory.
 *
 * The writer buffers lines and writes them synchronously at line boundaries, through
 * `<file>.partial` renamed to `<file>` only when the run finished normally (see
 * src/record/output-file.ts). The reader streams the file in chunks with bounded memory and
 * reports a malformed line as a `JournalFormatError` naming `file:line`.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { OUTCOME_NAMES } from '../routing/outcomes.js';
import { ipToNumber, numberToIp } from '../util/ip.js';
import { TextOutputFile } from '../util/output-file.js';
import { BATCH_SIZE, JournalBatch, type JournalSink } from './journal-batch.js';
import { type ControlEntry, ROW_ATTEMPT_FAILED, ROW_COMPLETED, ROW_CONTROL } from './journal-rows.js';

/** A journal file that cannot be read or has a malformed line. */
export class JournalFormatError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line number, or undefined when the problem is the whole file. */
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'JournalFormatError';
  }
}

export const ROUTED_TYPE = 'RequestRouted';
export const COMPLETED_TYPE = 'RequestCompleted';
export const ATTEMPT_FAILED_TYPE = 'AttemptFailed';

/** Writes every journal row as one JSON line. */
export class JournalFileWriter implements JournalSink {
  private readonly file: TextOutputFile;
  private finished = false;
  private partialRun = false;
  private closed = false;

  constructor(readonly path: string) {
    this.file = new TextOutputFile(path);
  }

  /** True once the journal has seen RunFinished of a run that was not interrupted. */
  get complete(): boolean {
    return this.finished && !this.partialRun;
  }

  /** Where the journal is: `<file>` after a complete run, `<file>.partial` otherwise. */
  get location(): string {
    return this.file.location;
  }

  onBatch(b: JournalBatch): void {
    const file = this.file;
    for (let i = 0; i < b.n; i++) {
      const kind = b.kind[i];
      if (kind === ROW_CONTROL) {
        const entry = b.control[i]!;
        if (entry.type === 'RunFinished') {
          this.finished = true;
          this.partialRun = entry.partial;
        }
        file.write(`${JSON.stringify(entry)}\n`);
      } else if (kind === ROW_ATTEMPT_FAILED) {
        file.write(
          `{"type":"${ATTEMPT_FAILED_TYPE}","t":${b.t[i]},"id":${b.id[i]},"scope":${b.scope[i]},` +
            `"backend":${b.backend[i]},"node":${b.node[i]},"worker":${b.worker[i]}}\n`,
        );
      } else if (kind === ROW_COMPLETED) {
        file.write(
          `{"type":"${COMPLETED_TYPE}","t":${b.t[i]},"id":${b.id[i]},"scope":${b.scope[i]},` +
            `"backend":${b.backend[i]},"latency":${b.latency[i]}}\n`,
        );
      } else {
        file.write(
          `{"type":"${ROUTED_TYPE}","t":${b.t[i]},"id":${b.id[i]},"listener":${b.listener[i]},` +
            `"template":${b.template[i]},"clientIp":"${numberToIp(b.clientIp[i])}",` +
            `"clientPort":${b.clientPort[i]},"node":${b.node[i]},"worker":${b.worker[i]},` +
            `"scope":${b.scope[i]},"backend":${b.backend[i]},"outcome":"${OUTCOME_NAMES[b.outcome[i]]}",` +
            `"attempts":${b.attempts[i]},"flags":${b.flags[i]}}\n`,
        );
      }
    }
  }

  onEnd(): void {
    this.close();
  }

  /** Flush and close; renames to the final name only after a complete run. Idempotent. */
  close(): string {
    if (!this.closed) {
      this.closed = true;
      this.file.close(this.complete);
    }
    return this.file.location;
  }
}

const CHUNK_BYTES = 1 << 20;

/**
 * Read a journal file back as batches of `capacity` rows (the last one shorter). Each yielded
 * batch is a new object the consumer may keep. Memory stays bounded: the file is read in chunks.
 */
export function* readJournalFile(path: string, capacity: number = BATCH_SIZE): Generator<JournalBatch> {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw new JournalFormatError(path, undefined, `cannot read: ${(err as Error).message}`);
  }
  const parser = new JournalLineParser(path);
  const decoder = new StringDecoder('utf8');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let batch = new JournalBatch(capacity);
  let rest = '';
  let lineNo = 0;
  try {
    for (;;) {
      const got = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      const text = got > 0 ? rest + decoder.write(chunk.subarray(0, got)) : rest + decoder.end();
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        lineNo++;
        parser.parse(text.slice(start, nl), lineNo, batch);
        start = nl + 1;
        if (batch.full) {
          yield batch;
          batch = new JournalBatch(capacity);
        }
      }
      rest = text.slice(start);
      if (got === 0) break;
    }
    if (rest.length > 0) {
      lineNo++;
      parser.parse(rest, lineNo, batch);
    }
    if (batch.n > 0) yield batch;
  } finally {
    fs.closeSync(fd);
  }
}

const OUTCOME_CODE = new Map<string, number>(OUTCOME_NAMES.map((name, code) => [name, code]));

type FieldKind = 'int' | 'number' | 'string' | 'boolean' | 'object' | 'array' | 'layer';

/** Fields each control entry must have, beyond `type` and `t` (a shape check, not a full schema). */
const CONTROL_FIELDS: Record<ControlEntry['type'], readonly (readonly [string, FieldKind])[]> = {
  RunStarted: [
    ['seed', 'string'],
    ['scenario', 'string'],
    ['name', 'string'],
    ['slbsimVersion', 'string'],
    ['rng', 'string'],
    ['options', 'object'],
  ],
  ListenerDefined: [
    ['listener', 'int'],
    ['key', 'string'],
    ['layer', 'layer'],
  ],
  TemplateDefined: [
    ['template', 'int'],
    ['host', 'string'],
    ['path', 'string'],
    ['method', 'string'],
  ],
  BackendDefined: [
    ['backend', 'int'],
    ['ServerId', 'string'],
    ['Port', 'int'],
  ],
  ScopeDefined: [
    ['scope', 'int'],
    ['listener', 'int'],
    ['source', 'string'],
    ['groupName', 'string'],
    ['scheduler', 'string'],
    ['layer', 'layer'],
    ['deterministic', 'boolean'],
    ['sticky', 'string'],
  ],
  EpochStarted: [
    ['scope', 'int'],
    ['epoch', 'int'],
    ['members', 'array'],
    ['cycleLength', 'int'],
    ['cause', 'string'],
  ],
  TopologyApplied: [
    ['action', 'string'],
    ['params', 'object'],
    ['response', 'object'],
  ],
  TopologyRejected: [
    ['action', 'string'],
    ['code', 'string'],
    ['message', 'string'],
  ],
  FaultInjected: [
    ['fault', 'string'],
    ['ServerId', 'string'],
  ],
  HealthChanged: [
    ['scope', 'int'],
    ['backend', 'int'],
    ['healthy', 'boolean'],
  ],
  RunFinished: [
    ['requests', 'int'],
    ['partial', 'boolean'],
  ],
};

function fits(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'int':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'layer':
      return value === 4 || value === 7;
  }
}

/** Parses and checks one line at a time, tracking which indices have been defined. */
class JournalLineParser {
  private readonly defined = {
    listener: new Set<number>(),
    template: new Set<number>(),
    backend: new Set<number>(),
    scope: new Set<number>(),
  };

  constructor(private readonly file: string) {}

  parse(raw: string, line: number, batch: JournalBatch): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(text);
    } catch (err) {
      throw this.error(line, `not valid JSON (${(err as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw this.error(line, 'expected a JSON object');
    const type = row.type;
    if (typeof type !== 'string') throw this.error(line, 'missing "type"');
    this.need(row, 't', 'number', line);
    if (type === ROUTED_TYPE) this.routed(row, line, batch);
    else if (type === COMPLETED_TYPE) this.completed(row, line, batch);
    else if (type === ATTEMPT_FAILED_TYPE) this.attemptFailed(row, line, batch);
    else if (Object.hasOwn(CONTROL_FIELDS, type))
      this.control(row, type as ControlEntry['type'], line, batch);
    else throw this.error(line, `unknown row type "${type}"`);
  }

  private routed(row: Record<string, unknown>, line: number, batch: JournalBatch): void {
    const id = this.need(row, 'id', 'number', line) as number;
    const listener = this.ref(row, 'listener', line);
    const template = this.ref(row, 'template', line);
    const ipText = this.need(row, 'clientIp', 'string', line) as string;
    const clientIp = ipToNumber(ipText);
    if (clientIp === undefined) throw this.error(line, `"clientIp" is not an IPv4 address: "${ipText}"`);
    const clientPort = this.range(row, 'clientPort', 0, 65535, line);
    const node = this.range(row, 'node', 0, 65535, line);
    const worker = this.range(row, 'worker', 0, 65535, line);
    const scope = this.ref(row, 'scope', line);
    const backend = this.ref(row, 'backend', line);
    const outcomeName = this.need(row, 'outcome', 'string', line) as string;
    const outcome = OUTCOME_CODE.get(outcomeName);
    if (outcome === undefined)
      throw this.error(
        line,
        `unknown outcome "${outcomeName}" (expected one of ${OUTCOME_NAMES.join(', ')})`,
      );
    const attempts = this.range(row, 'attempts', 0, 255, line);
    const flags = this.range(row, 'flags', 0, 255, line);
    batch.pushRouted(
      row.t as number,
      id,
      listener,
      template,
      clientIp,
      clientPort,
      node,
      worker,
      scope,
      backend,
      outcome,
      attempts,
      flags,
    );
  }

  private attemptFailed(row: Record<string, unknown>, line: number, batch: JournalBatch): void {
    const id = this.need(row, 'id', 'number', line) as number;
    const scope = this.ref(row, 'scope', line);
    const backend = this.ref(row, 'backend', line);
    const node = this.range(row, 'node', 0, 65535, line);
    const worker = this.range(row, 'worker', 0, 65535, line);
    batch.pushAttemptFailed(row.t as number, id, scope, backend, node, worker);
  }

  private completed(row: Record<string, unknown>, line: number, batch: JournalBatch): void {
    const id = this.need(row, 'id', 'number', line) as number;
    const scope = this.ref(row, 'scope', line);
    const backend = this.ref(row, 'backend', line);
    const latency = this.need(row, 'latency', 'number', line) as number;
    batch.pushCompleted(row.t as number, id, scope, backend, latency);
  }

  private control(
    row: Record<string, unknown>,
    type: ControlEntry['type'],
    line: number,
    batch: JournalBatch,
  ): void {
    for (const [field, kind] of CONTROL_FIELDS[type]) this.need(row, field, kind, line);
    switch (type) {
      case 'ListenerDefined':
        this.defined.listener.add(row.listener as number);
        break;
      case 'TemplateDefined':
        this.defined.template.add(row.template as number);
        break;
      case 'BackendDefined':
        this.defined.backend.add(row.backend as number);
        break;
      case 'ScopeDefined':
        this.ref(row, 'listener', line);
        this.defined.scope.add(row.scope as number);
        break;
      case 'EpochStarted':
      case 'HealthChanged':
        this.ref(row, 'scope', line);
        break;
    }
    if (type === 'HealthChanged') this.ref(row, 'backend', line);
    batch.pushControl(row as unknown as ControlEntry);
  }

  private need(row: Record<string, unknown>, field: string, kind: FieldKind, line: number): unknown {
    const value = row[field];
    if (!fits(value, kind)) {
      const what = value === undefined ? 'missing' : `not ${kind === 'int' ? 'an integer' : `a ${kind}`}`;
      throw this.error(line, `${String(row.type)}: "${field}" ${what}`);
    }
    return value;
  }

  private range(row: Record<string, unknown>, field: string, lo: number, hi: number, line: number): number {
    const v = this.need(row, field, 'int', line) as number;
    if (v < lo || v > hi)
      throw this.error(line, `${String(row.type)}: "${field}" ${v} is outside ${lo}..${hi}`);
    return v;
  }

  /** An index field: -1 (none) or an index defined by an earlier `*Defined` line. */
  private ref(row: Record<string, unknown>, field: keyof JournalLineParser['defined'], line: number): number {
    const v = this.need(row, field, 'int', line) as number;
    if (v !== -1 && !this.defined[field].has(v))
      throw this.error(line, `${String(row.type)}: ${field} ${v} is used before its definition line`);
    return v;
  }

  private error(line: number, problem: string): JournalFormatError {
    return new JournalFormatError(this.file, line, problem);
  }
}
