/**
 * The per-request record: its columns, in file order, with their types. One list drives the three
 * formats (JSONL keys, CSV header, Parquet schema) and the reader, so they cannot drift apart.
 * docs/RECORDS.md describes each column for users.
 */
import type { MatchKind, OutcomeName, RouteSource } from '../routing/outcomes.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_BAD_REQUEST,
  OUTCOME_NAMES,
  OUTCOME_NO_BACKEND,
  OUTCOME_OK,
} from '../routing/outcomes.js';

/** One request as the record files hold it. */
export interface RecordRow {
  /** Arrival time, µs of simulated time. */
  t: number;
  /** Request id (unique in a run). */
  id: number;
  /** `<LoadBalancerId>:<protocol>:<port>` the request was sent to. */
  listener: string | null;
  clientIp: string;
  clientPort: number;
  host: string | null;
  path: string | null;
  method: string | null;
  /** Cluster node and worker that handled it. */
  node: number;
  worker: number;
  /** Forwarding rule that matched (source `rule`), else null. */
  RuleId: string | null;
  RuleName: string | null;
  matchKind: MatchKind | null;
  /** Where the server group came from; null when no group was reached (refused, no listener). */
  source: RouteSource | null;
  /** VServerGroupId, or MasterSlaveServerGroupId (source `master-slave`), or null (default pool / none). */
  VServerGroupId: string | null;
  /** Backend that served (or failed) the request, null when none. */
  ServerId: string | null;
  Port: number | null;
  outcome: OutcomeName;
  /** HTTP status at layer 7 (200, 503 no backend, 502 backend error); null at layer 4 or when refused. */
  status: number | null;
  attempts: number;
  /** Served by session persistence rather than a scheduler pick. */
  sticky: boolean;
  /** Arrival to completion, µs; null when service time is not modelled for the request. */
  latency: number | null;
}

export type ColumnKind = 'int64' | 'int32' | 'double' | 'string' | 'boolean';

export interface RecordColumn {
  readonly name: keyof RecordRow;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
}

export const RECORD_COLUMNS: readonly RecordColumn[] = [
  { name: 't', kind: 'int64', nullable: false },
  { name: 'id', kind: 'int64', nullable: false },
  { name: 'listener', kind: 'string', nullable: true },
  { name: 'clientIp', kind: 'string', nullable: false },
  { name: 'clientPort', kind: 'int32', nullable: false },
  { name: 'host', kind: 'string', nullable: true },
  { name: 'path', kind: 'string', nullable: true },
  { name: 'method', kind: 'string', nullable: true },
  { name: 'node', kind: 'int32', nullable: false },
  { name: 'worker', kind: 'int32', nullable: false },
  { name: 'RuleId', kind: 'string', nullable: true },
  { name: 'RuleName', kind: 'string', nullable: true },
  { name: 'matchKind', kind: 'string', nullable: true },
  { name: 'source', kind: 'string', nullable: true },
  { name: 'VServerGroupId', kind: 'string', nullable: true },
  { name: 'ServerId', kind: 'string', nullable: true },
  { name: 'Port', kind: 'int32', nullable: true },
  { name: 'outcome', kind: 'string', nullable: false },
  { name: 'status', kind: 'int32', nullable: true },
  { name: 'attempts', kind: 'int32', nullable: false },
  { name: 'sticky', kind: 'boolean', nullable: false },
  { name: 'latency', kind: 'double', nullable: true },
];

export const RECORD_COLUMN_NAMES: readonly (keyof RecordRow)[] = RECORD_COLUMNS.map((c) => c.name);

/** Status codes per outcome at layer 7 (0 = none: the connection was refused). */
const L7_STATUS: readonly number[] = OUTCOME_NAMES.map((_, code) =>
  code === OUTCOME_OK
    ? 200
    : code === OUTCOME_NO_BACKEND
      ? 503
      : code === OUTCOME_BACKEND_ERROR
        ? 502
        : code === OUTCOME_BAD_REQUEST
          ? 400
          : 0,
);

/** The HTTP status a client sees, or 0 for none (layer 4, refused, no such listener). */
export function statusOf(layer: number, outcome: number): number {
  return layer === 7 ? L7_STATUS[outcome] : 0;
}
