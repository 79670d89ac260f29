/**
 * `slbsim sequence` — print the picks of one scheduler for a list of weights (issue 3 §3): letters
 * (A = the first weight) or indices with --json; --ops scripts concurrency for the least-connection
 * schedulers; --cluster runs the nodes × workers model with a seed. Built on SchedulerCluster, the
 * same code the replay engine uses.
 */
import type { Command } from 'commander';
import { DEFAULT_CLIENTS } from '../../scenario/traffic-defaults.js';
import { SchedulerCluster } from '../../schedulers/cluster.js';
import { hash4, hashIp, hashString } from '../../schedulers/hash.js';
import type { Layer } from '../../schedulers/scheduler.js';
import {
  CONSISTENT_HASH_NAMES,
  isConsistentHash,
  SCHEDULER_NAMES,
  type SchedulerName,
  schedulerLayers,
} from '../../topology/scheduler-names.js';
import { ipToNumber, numberToIp } from '../../util/ip.js';
import { UserError } from '../../util/user-error.js';
import { action } from '../command-action.js';

/** The clients the consistent-hash schedulers hash: the scenario's default client addresses, in turn. */
const FIRST_IP = ipToNumber(DEFAULT_CLIENTS.firstIp) ?? 0;
const FIRST_PORT = DEFAULT_CLIENTS.firstPort;
const HASHERS = CONSISTENT_HASH_NAMES.join('/');

interface SequenceOptions {
  scheduler: string;
  layer?: string;
  weights: string;
  count?: string;
  ops?: string;
  cluster: string;
  seed: string;
  json?: boolean;
  byWorker?: boolean;
}

/** `slbsim sequence` — print a scheduler's picks. */
export function register(program: Command): void {
  program
    .command('sequence')
    .summary("print a scheduler's picks for given weights")
    .description(
      "Print the picks of one of CLB's schedulers for a list of weights, as letters (A = the first weight) or\n" +
        'indices (--json). Layer 7 is Tengine (nginx smooth WRR, round robin, least_conn); layer 4 is LVS\n' +
        '(interleaved WRR, round robin, weighted least-connection) and the consistent-hash schedulers. Exact mode\n' +
        '(one node, one worker, fresh state) unless --cluster is given.\n\n' +
        `Consistent hashing (${HASHERS}) hashes successive clients: sch the source IPs ${numberToIp(FIRST_IP)}, ${numberToIp(FIRST_IP + 1)}, …;\n` +
        `tch the 4-tuples (${numberToIp(FIRST_IP)}+i):(${FIRST_PORT}+i) → listener port 80; qch the QUIC connection ids cid-1,\n` +
        'cid-2, … (MurmurHash2). The same client tuples pick the node and worker in cluster mode.',
    )
    .requiredOption('--scheduler <name>', `one of ${SCHEDULER_NAMES.join(', ')}`)
    .option(
      '--layer <7|4>',
      `layer 7 (HTTP/HTTPS, default for ${SCHEDULER_NAMES.filter((n) => !isConsistentHash(n)).join('/')}) or 4 (TCP/UDP, default for ${HASHERS})`,
    )
    .requiredOption('--weights <list>', 'comma-separated weights 0–100 in scheduling order, e.g. 5,1,1')
    .option('--count <n>', 'number of picks (default: two full cycles, or the --ops script)')
    .option(
      '--ops <script>',
      'concurrency script for wlc: S = a request that stays open, Q = one that completes at once,\n' +
        'rB = release the open requests on backend B, rall = release all; layer 4 only: eB / eall = expire\n' +
        'the inactive (TIME_WAIT) entries of B / all (Q leaves one inactive entry). Counts like 7S;\n' +
        'space-separated; the script repeats until --count picks when --count is given',
    )
    .option('--cluster <NxM>', 'nodes × workers, each an independent scheduler with a seeded phase', '1x1')
    .option('--seed <seed>', 'seed of the cluster model', '0')
    .option('--json', 'print {"picks":[…]} (indices), with node/worker per pick in cluster mode')
    .option('--by-worker', 'cluster mode: also print each node/worker sequence on its own line')
    .addHelpText(
      'after',
      `
Examples:
  $ slbsim sequence --scheduler wrr --weights 5,1,1 --count 14
  AABACAAAABACAA
  $ slbsim sequence --scheduler wrr --layer 4 --weights 4,3,2 --count 9
  AABABCABC
  $ slbsim sequence --scheduler wlc --weights 1,1,1 --ops "6S"
  ABCCBA
  $ slbsim sequence --scheduler wlc --weights 4,3,2 --ops "3S rA 4S rall 2Q" --json
  $ slbsim sequence --scheduler wlc --layer 4 --weights 1,1 --ops "Q Q eall Q"
  ABA
  $ slbsim sequence --scheduler sch --weights 1,1,1,1 --count 12
  $ slbsim sequence --scheduler wrr --weights 4,3,2 --count 72 --cluster 2x4 --seed 7 --by-worker`,
    )
    .action(action(sequenceAction));
}

type Op = { kind: 'S' | 'Q'; times: number } | { kind: 'r' | 'e'; backend: number | 'all' };

export function parseOps(script: string, members: number): Op[] {
  const ops: Op[] = [];
  for (const token of script.trim().split(/\s+/)) {
    if (token === '') continue;
    let m = /^(\d*)([SQ])$/.exec(token);
    if (m) {
      const times = m[1] === '' ? 1 : Number(m[1]);
      if (times < 1) throw new UserError([`--ops: a count must be at least 1 in "${token}"`]);
      ops.push({ kind: m[2] as 'S' | 'Q', times });
      continue;
    }
    if (token === 'rall' || token === 'eall') {
      ops.push({ kind: token[0] as 'r' | 'e', backend: 'all' });
      continue;
    }
    m = /^([re])([A-Z])$/.exec(token);
    if (m) {
      const backend = m[2].charCodeAt(0) - 65;
      if (backend >= members)
        throw new UserError([`--ops: "${token}" names backend ${m[2]}, but there are only ${members}`]);
      ops.push({ kind: m[1] as 'r' | 'e', backend });
      continue;
    }
    throw new UserError([`--ops: unknown token "${token}" (use S, Q, 7S, rB, rall, eB, eall)`]);
  }
  return ops;
}

/** A validated `slbsim sequence` request. */
interface SequencePlan {
  readonly name: SchedulerName;
  readonly layer: Layer;
  readonly weights: readonly number[];
  readonly count: number;
  readonly ops: readonly Op[] | undefined;
  readonly nodes: number;
  readonly workers: number;
}

function sequenceAction(opts: SequenceOptions): number {
  const plan = parseSequence(opts);
  const cluster = new SchedulerCluster(
    { name: plan.name, layer: plan.layer },
    plan.nodes,
    plan.workers,
    opts.seed,
    'sequence',
  );
  cluster.update({
    keys: plan.weights.map((_, i) => String.fromCharCode(65 + i)),
    weights: plan.weights,
    eligible: plan.weights.map(() => 1),
  });
  const run = new SequenceRun(cluster, plan);
  if (plan.ops === undefined) for (let i = 0; i < plan.count; i++) run.pickOne(false);
  else run.script(plan.ops);
  printSequence(run, cluster, opts);
  return 0;
}

/** The options, checked: one clear message per mistake. */
function parseSequence(opts: SequenceOptions): SequencePlan {
  const name = opts.scheduler as SchedulerName;
  if (!SCHEDULER_NAMES.includes(name))
    throw new UserError([
      `--scheduler: expected one of ${SCHEDULER_NAMES.join(', ')}, got "${opts.scheduler}"`,
    ]);
  // The first layer a scheduler exists at is its default: 7 where it has one.
  const layers = schedulerLayers(name);
  const layer: Layer = opts.layer === undefined ? layers[0] : (Number(opts.layer) as Layer);
  if (layer !== 4 && layer !== 7) throw new UserError([`--layer: expected 7 or 4, got "${opts.layer}"`]);
  if (!layers.includes(layer))
    throw new UserError([
      `--scheduler ${name}: consistent hashing is a layer-4 scheduler (TCP/UDP listeners only)`,
    ]);
  const weights = opts.weights.split(',').map((w) => w.trim());
  if (weights.some((w) => !/^\d+$/.test(w) || Number(w) > 100))
    throw new UserError([`--weights: expected comma-separated integers 0–100, got "${opts.weights}"`]);
  const w = weights.map(Number);
  if (w.length > 26) throw new UserError(['--weights: at most 26 backends (letters A–Z)']);
  const shape = /^(\d+)x(\d+)$/.exec(opts.cluster);
  if (!shape || Number(shape[1]) < 1 || Number(shape[2]) < 1)
    throw new UserError([`--cluster: expected <nodes>x<workers> like 4x8, got "${opts.cluster}"`]);
  const ops = opts.ops === undefined ? undefined : parseOps(opts.ops, w.length);
  if (ops !== undefined) checkOps(ops, name, layer);
  return {
    name,
    layer,
    weights: w,
    count: countOf(opts, ops, w),
    ops,
    nodes: Number(shape[1]),
    workers: Number(shape[2]),
  };
}

function checkOps(ops: readonly Op[], name: SchedulerName, layer: Layer): void {
  if (name !== 'wlc' && ops.some((o) => o.kind !== 'Q'))
    throw new UserError(['--ops: S, r and e only matter for wlc (other schedulers ignore connections)']);
  if (layer === 7 && ops.some((o) => o.kind === 'e'))
    throw new UserError(['--ops: e (expire inactive entries) exists at layer 4 only (LVS wlc)']);
  if (!ops.some((o) => o.kind === 'S' || o.kind === 'Q'))
    throw new UserError(['--ops: the script makes no request (add S or Q)']);
}

/** --count, else the script's requests, else two full cycles. */
function countOf(opts: SequenceOptions, ops: readonly Op[] | undefined, w: readonly number[]): number {
  if (opts.count !== undefined) {
    const count = Number(opts.count);
    if (!Number.isInteger(count) || count < 0)
      throw new UserError([`--count: expected a whole number, got "${opts.count}"`]);
    return count;
  }
  if (ops !== undefined) return ops.reduce((n, o) => n + (o.kind === 'S' || o.kind === 'Q' ? o.times : 0), 0);
  return (
    2 *
    Math.max(
      1,
      w.reduce((a, b) => a + b, 0),
    )
  );
}

/** The picks of one run, with where each was made and the connections it holds open. */
class SequenceRun {
  readonly picks: number[] = [];
  readonly where: Array<[number, number]> = [];
  private open: Array<Array<[number, number]>>;
  private inactive: Array<Array<[number, number]>>;

  constructor(
    private readonly cluster: SchedulerCluster,
    private readonly plan: SequencePlan,
  ) {
    this.open = plan.weights.map(() => []);
    this.inactive = plan.weights.map(() => []);
  }

  /** One request from the next client; `stays` keeps its connection open. */
  pickOne(stays: boolean): void {
    const { cluster, plan } = this;
    const i = this.picks.length;
    const ip = (FIRST_IP + i) >>> 0;
    const tuple = hash4(ip, FIRST_PORT + (i % (65536 - FIRST_PORT)), 0, 80);
    const key = plan.name === 'sch' ? hashIp(ip) : plan.name === 'qch' ? hashString(`cid-${i + 1}`) : tuple;
    cluster.route(tuple);
    const m = cluster.pick(key, tuple);
    this.picks.push(m);
    this.where.push([cluster.lastNode, cluster.lastWorker]);
    if (m < 0) return;
    if (stays) this.open[m].push([cluster.lastNode, cluster.lastWorker]);
    else {
      cluster.release(cluster.lastNode, cluster.lastWorker, m);
      this.inactive[m].push([cluster.lastNode, cluster.lastWorker]);
    }
  }

  /** Run the --ops script (repeated) until the planned count of picks. */
  script(ops: readonly Op[]): void {
    const count = this.plan.count;
    while (this.picks.length < count) {
      const before = this.picks.length;
      for (const op of ops) {
        if (op.kind === 'r') this.releaseOpen(op.backend);
        else if (op.kind === 'e') this.expireInactive(op.backend);
        else if (op.kind === 'S' || op.kind === 'Q')
          for (let k = 0; k < op.times; k++) {
            if (this.picks.length >= count) return;
            this.pickOne(op.kind === 'S');
          }
      }
      if (this.picks.length === before) break;
    }
  }

  private releaseOpen(backend: number | 'all'): void {
    const targets = backend === 'all' ? this.open.map((_, i) => i) : [backend];
    for (const b of targets) {
      for (const [node, worker] of this.open[b]) {
        this.cluster.release(node, worker, b);
        this.inactive[b].push([node, worker]);
      }
      this.open[b] = [];
    }
  }

  private expireInactive(backend: number | 'all'): void {
    const targets = backend === 'all' ? this.inactive.map((_, i) => i) : [backend];
    for (const b of targets) {
      for (const [node, worker] of this.inactive[b]) this.cluster.expire(node, worker, b);
      this.inactive[b] = [];
    }
  }
}

function printSequence(run: SequenceRun, cluster: SchedulerCluster, opts: SequenceOptions): void {
  const { picks, where } = run;
  if (opts.json) {
    const clustered = cluster.instances.length > 1;
    process.stdout.write(`${JSON.stringify(clustered ? { picks, nodeWorker: where } : { picks })}\n`);
    return;
  }
  const letter = (m: number) => (m < 0 ? '-' : String.fromCharCode(65 + m));
  process.stdout.write(`${picks.map(letter).join('')}\n`);
  if (!opts.byWorker || cluster.instances.length <= 1) return;
  const lines = new Map<string, string>();
  for (const [node, worker] of where) lines.set(`${node}/${worker}`, '');
  picks.forEach((m, i) => {
    const k = `${where[i][0]}/${where[i][1]}`;
    lines.set(k, lines.get(k)! + letter(m));
  });
  const sorted = [...lines].sort(([a], [b]) => {
    const [an, aw] = a.split('/').map(Number);
    const [bn, bw] = b.split('/').map(Number);
    return an - bn || aw - bw;
  });
  for (const [k, seq] of sorted) {
    const [node, worker] = k.split('/');
    process.stdout.write(`node ${node} worker ${worker}: ${seq}\n`);
  }
}
