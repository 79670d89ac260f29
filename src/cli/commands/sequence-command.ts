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
import { proseHelp } from '../help-text.js';

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
    .option(
      '--count <n>',
      'number of picks, at most 100000000 (default: two full cycles, or the --ops script)',
    )
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
      proseHelp(`
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
  $ slbsim sequence --scheduler wrr --weights 4,3,2 --count 72 --cluster 2x4 --seed 7 --by-worker`),
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

async function sequenceAction(opts: SequenceOptions): Promise<number> {
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
  if (ops !== undefined && name !== 'wlc' && ops.some((o) => o.kind !== 'Q'))
    throw new UserError(['--ops: S, r and e only matter for wlc (other schedulers ignore connections)']);
  if (ops !== undefined && layer === 7 && ops.some((o) => o.kind === 'e'))
    throw new UserError(['--ops: e (expire inactive entries) exists at layer 4 only (LVS wlc)']);
  if (ops !== undefined && !ops.some((o) => o.kind === 'S' || o.kind === 'Q'))
    throw new UserError(['--ops: the script makes no request (add S or Q)']);
  if (w.every((x) => x === 0))
    throw new UserError([
      `--weights: at least one weight must be above 0 (with every weight 0 nothing can be picked), got "${opts.weights}"`,
    ]);
  let count: number;
  if (opts.count !== undefined) {
    count = Number(opts.count);
    if (!/^\d+$/.test(opts.count) || !Number.isSafeInteger(count))
      throw new UserError([`--count: expected a whole number in decimal digits, got "${opts.count}"`]);
  } else if (ops !== undefined) {
    count = ops.reduce((n, o) => n + (o.kind === 'S' || o.kind === 'Q' ? o.times : 0), 0);
  } else {
    count =
      2 *
      Math.max(
        1,
        w.reduce((a, b) => a + b, 0),
      );
  }
  if (count > MAX_COUNT)
    throw new UserError([
      `--count: at most ${MAX_COUNT} picks, got ${count}${opts.count === undefined ? ' (from the --ops script)' : ''}`,
    ]);

  const nodes = Number(shape[1]);
  const workers = Number(shape[2]);
  const setup: PickSetup = { name, layer, weights: w, nodes, workers, seed: opts.seed, ops, count };
  const clustered = nodes * workers > 1;
  if (opts.byWorker && clustered && count * nodes * workers > MAX_BY_WORKER_PICKS)
    throw new UserError([
      `--by-worker: each node/worker line is its own pass over the picks, so --count × nodes × workers may be at most ${MAX_BY_WORKER_PICKS}, got ${count} × ${nodes * workers}`,
    ]);
  const out = new ChunkedStdout();
  const letter = (m: number) => (m < 0 ? '-' : String.fromCharCode(65 + m));
  if (opts.json) {
    // {"picks":[…]} (and "nodeWorker":[[n,w],…] in cluster mode: the same picks made again).
    out.add('{"picks":[');
    let first = true;
    for (const p of generatePicks(setup)) {
      if (out.add(first ? String(p.member) : `,${p.member}`)) await out.flush();
      first = false;
    }
    if (clustered) {
      out.add('],"nodeWorker":[');
      first = true;
      for (const p of generatePicks(setup)) {
        if (out.add(`${first ? '' : ','}[${p.node},${p.worker}]`)) await out.flush();
        first = false;
      }
    }
    out.add(']}\n');
  } else {
    const seen = new Set<number>();
    for (const p of generatePicks(setup)) {
      if (out.add(letter(p.member))) await out.flush();
      seen.add(p.node * workers + p.worker);
    }
    out.add('\n');
    if (opts.byWorker && clustered) {
      // One line per node/worker, each from a fresh pass over the same picks: constant memory.
      for (const key of [...seen].sort((a, b) => a - b)) {
        const node = Math.floor(key / workers);
        const worker = key % workers;
        out.add(`node ${node} worker ${worker}: `);
        for (const p of generatePicks(setup))
          if (p.node === node && p.worker === worker && out.add(letter(p.member))) await out.flush();
        out.add('\n');
      }
    }
  }
  await out.flush();
  return 0;
}

/** The most picks one `sequence` prints. */
export const MAX_COUNT = 100_000_000;
/** --by-worker makes the picks once per node/worker: at most this many picks in all. */
const MAX_BY_WORKER_PICKS = 1_000_000_000;

interface PickSetup {
  readonly name: SchedulerName;
  readonly layer: Layer;
  readonly weights: readonly number[];
  readonly nodes: number;
  readonly workers: number;
  readonly seed: string;
  readonly ops: readonly Op[] | undefined;
  readonly count: number;
}

interface Pick {
  member: number;
  node: number;
  worker: number;
}

/**
 * The picks, one at a time (the same object each time), from a fresh cluster: the same sequence
 * on every call. Memory is constant: open and inactive connections are counted per backend and
 * node/worker, not listed.
 */
function* generatePicks(setup: PickSetup): Generator<Pick> {
  const { name, layer, weights: w, ops, count } = setup;
  const cluster = new SchedulerCluster({ name, layer }, setup.nodes, setup.workers, setup.seed, 'sequence');
  cluster.update({
    keys: w.map((_, i) => String.fromCharCode(65 + i)),
    weights: w,
    eligible: w.map(() => 1),
  });
  const pick: Pick = { member: -1, node: 0, worker: 0 };
  const workers = setup.workers;
  // Per backend: node * workers + worker → connections.
  const open: Array<Map<number, number>> = w.map(() => new Map());
  const inactive: Array<Map<number, number>> = w.map(() => new Map());
  const bump = (m: Map<number, number>, key: number) => m.set(key, (m.get(key) ?? 0) + 1);
  let made = 0;
  const pickOne = (stays: boolean) => {
    const i = made++;
    const ip = (FIRST_IP + i) >>> 0;
    const tuple = hash4(ip, FIRST_PORT + (i % (65536 - FIRST_PORT)), 0, 80);
    const key = name === 'sch' ? hashIp(ip) : name === 'qch' ? hashString(`cid-${i + 1}`) : tuple;
    cluster.route(tuple);
    const m = cluster.pick(key, tuple);
    pick.member = m;
    pick.node = cluster.lastNode;
    pick.worker = cluster.lastWorker;
    if (m >= 0) {
      const at = cluster.lastNode * workers + cluster.lastWorker;
      if (stays) bump(open[m], at);
      else {
        cluster.release(cluster.lastNode, cluster.lastWorker, m);
        bump(inactive[m], at);
      }
    }
  };
  if (ops === undefined) {
    while (made < count) {
      pickOne(false);
      yield pick;
    }
    return;
  }
  outer: while (made < count) {
    const before = made;
    for (const op of ops) {
      if (op.kind === 'r') {
        const targets = op.backend === 'all' ? open.map((_, i) => i) : [op.backend];
        for (const b of targets) {
          for (const [at, n] of open[b]) {
            for (let k = 0; k < n; k++) cluster.release(Math.floor(at / workers), at % workers, b);
            inactive[b].set(at, (inactive[b].get(at) ?? 0) + n);
          }
          open[b].clear();
        }
        continue;
      }
      if (op.kind === 'e') {
        const targets = op.backend === 'all' ? inactive.map((_, i) => i) : [op.backend];
        for (const b of targets) {
          for (const [at, n] of inactive[b])
            for (let k = 0; k < n; k++) cluster.expire(Math.floor(at / workers), at % workers, b);
          inactive[b].clear();
        }
        continue;
      }
      if (op.kind !== 'S' && op.kind !== 'Q') continue;
      for (let k = 0; k < op.times; k++) {
        if (made >= count) break outer;
        pickOne(op.kind === 'S');
        yield pick;
      }
    }
    if (made === before) break;
  }
}

/** stdout in 64 KiB writes, waiting for the pipe to drain: memory stays bounded. */
class ChunkedStdout {
  private buf = '';

  /** Buffer text; true when the buffer should be flushed. */
  add(text: string): boolean {
    this.buf += text;
    return this.buf.length >= 1 << 16;
  }

  async flush(): Promise<void> {
    const chunk = this.buf;
    this.buf = '';
    if (chunk === '' || process.stdout.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        process.stdout.off('close', done);
        resolve();
      };
      process.stdout.once('drain', done);
      process.stdout.once('error', done);
      process.stdout.once('close', done);
    });
  }
}
