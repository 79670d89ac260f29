import { describe, expect, it } from 'vitest';
import { parseOps, register } from '../../../src/cli/commands/sequence-command.js';
import { runCommand } from '../../helpers/cli.js';

const seq = (...args: string[]) => runCommand(register, ['sequence', ...args]);

describe('slbsim sequence', () => {
  it('prints nginx SWRR for 5,1,1 (the issue’s acceptance line)', async () => {
    const r = await seq('--scheduler', 'wrr', '--weights', '5,1,1', '--count', '14');
    expect(r).toEqual({ code: 0, stdout: 'AABACAAAABACAA\n', stderr: '' });
  });
  it('prints LVS interleaved WRR at layer 4', async () => {
    expect(
      (await seq('--scheduler', 'wrr', '--layer', '4', '--weights', '4,3,2', '--count', '9')).stdout,
    ).toBe('AABABCABC\n');
    expect(
      (await seq('--scheduler', 'wrr', '--layer', '4', '--weights', '5,1,1', '--count', '7')).stdout,
    ).toBe('AAAAABC\n');
  });
  it('prints indices with --json', async () => {
    const r = await seq('--scheduler', 'wrr', '--weights', '4,3,2', '--count', '9', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ picks: [0, 1, 2, 0, 1, 0, 2, 1, 0] });
  });
  it('scripts wlc concurrency with --ops', async () => {
    expect((await seq('--scheduler', 'wlc', '--weights', '1,1,1', '--ops', '6S')).stdout).toBe('ABCCBA\n');
    expect((await seq('--scheduler', 'wlc', '--weights', '4,3,2', '--ops', '9Q')).stdout).toBe('ABCABACBA\n');
    expect((await seq('--scheduler', 'wlc', '--weights', '1,1', '--ops', '2S rA 2S')).stdout).toBe('ABAB\n');
  });
  it('expires inactive LVS entries with eB / eall at layer 4', async () => {
    // Q leaves an inactive entry (overhead 1), so the next connection goes to B until they expire.
    expect(
      (await seq('--scheduler', 'wlc', '--layer', '4', '--weights', '1,1', '--ops', 'Q Q eall Q')).stdout,
    ).toBe('ABA\n');
    expect(
      (await seq('--scheduler', 'wlc', '--layer', '4', '--weights', '1,1', '--ops', 'Q eA Q')).stdout,
    ).toBe('AA\n');
  });
  it('repeats the --ops script until --count picks', async () => {
    expect(
      (await seq('--scheduler', 'wlc', '--weights', '1,1', '--ops', 'S rall', '--count', '4')).stdout,
    ).toBe('ABAB\n');
  });
  it('hashes successive clients for consistent hashing, the same way each run', async () => {
    const a = await seq('--scheduler', 'sch', '--weights', '1,1,1,1', '--count', '12');
    expect(a.stdout).toMatch(/^[ABCD]{12}\n$/);
    expect((await seq('--scheduler', 'sch', '--weights', '1,1,1,1', '--count', '12')).stdout).toBe(a.stdout);
    expect((await seq('--scheduler', 'qch', '--weights', '1,0', '--count', '5')).stdout).toBe('AAAAA\n');
  });
  it('prints each node/worker sequence with --by-worker, each with exact counts per cycle', async () => {
    const r = await seq(
      '--scheduler',
      'wrr',
      '--weights',
      '4,3,2',
      '--count',
      '400',
      '--cluster',
      '1x2',
      '--seed',
      '3',
      '--by-worker',
    );
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^node 0 worker 0: [ABC]+$/);
    expect(lines[2]).toMatch(/^node 0 worker 1: [ABC]+$/);
    for (const line of lines.slice(1)) {
      const seqOf = line.split(': ')[1];
      for (let k = 0; k + 9 <= seqOf.length; k += 9) {
        const cycle = seqOf.slice(k, k + 9);
        expect([...cycle].filter((x) => x === 'A')).toHaveLength(4);
        expect([...cycle].filter((x) => x === 'C')).toHaveLength(2);
      }
    }
  });
  it('defaults to two full cycles', async () => {
    expect((await seq('--scheduler', 'rr', '--weights', '3,0,1')).stdout).toBe(
      'ACACACACAC'.slice(0, 8) + '\n',
    );
  });
  it('is reproducible in cluster mode for a seed', async () => {
    const a = await seq(
      '--scheduler',
      'wrr',
      '--weights',
      '4,3,2',
      '--count',
      '18',
      '--cluster',
      '2x4',
      '--seed',
      '7',
    );
    const b = await seq(
      '--scheduler',
      'wrr',
      '--weights',
      '4,3,2',
      '--count',
      '18',
      '--cluster',
      '2x4',
      '--seed',
      '7',
    );
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^[ABC]{18}\n$/);
  });
  it.each([
    [
      ['--scheduler', 'lc', '--weights', '1'],
      '--scheduler: expected one of wrr, rr, wlc, sch, tch, qch, got "lc"',
    ],
    [
      ['--scheduler', 'sch', '--layer', '7', '--weights', '1,1'],
      '--scheduler sch: consistent hashing is a layer-4',
    ],
    [['--scheduler', 'wrr', '--weights', '5,101'], '--weights: expected comma-separated integers 0–100'],
    [['--scheduler', 'wlc', '--weights', '1,1', '--ops', '2X'], '--ops: unknown token "2X"'],
    [
      ['--scheduler', 'wlc', '--weights', '1,1', '--ops', 'rC'],
      '--ops: "rC" names backend C, but there are only 2',
    ],
    [['--scheduler', 'wrr', '--weights', '1', '--cluster', '4'], '--cluster: expected <nodes>x<workers>'],
    [
      ['--scheduler', 'wlc', '--weights', '1,1', '--ops', 'Q eA'],
      '--ops: e (expire inactive entries) exists at layer 4',
    ],
    [['--scheduler', 'wlc', '--weights', '1,1', '--ops', 'rall'], '--ops: the script makes no request'],
    [['--scheduler', 'wrr', '--weights', '1,1', '--ops', 'S'], '--ops: S, r and e only matter for wlc'],
    [['--scheduler', 'wrr', '--weights', '1,x'], '--weights: expected comma-separated integers 0–100'],
    [['--scheduler', 'wrr', '--weights', '1', '--count', '-3'], '--count: expected a whole number'],
    [['--scheduler', 'wrr', '--layer', '5', '--weights', '1'], '--layer: expected 7 or 4'],
  ])('rejects %j with exit 2', async (args, message) => {
    const r = await seq(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
  it('refuses --weights 0,0 (was: accepted, printing only dashes)', async () => {
    expect(await seq('--scheduler', 'wrr', '--weights', '0,0')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        '--weights: at least one weight must be above 0 (with every weight 0 nothing can be picked), got "0,0"\n',
    });
  });
  it('refuses --count above the cap (was: --count 1e9 grew to 4.8 GB RSS)', async () => {
    expect(await seq('--scheduler', 'wrr', '--weights', '1,1', '--count', '1000000000')).toEqual({
      code: 2,
      stdout: '',
      stderr: '--count: at most 100000000 picks, got 1000000000\n',
    });
    expect((await seq('--scheduler', 'wrr', '--weights', '1,1', '--count', '1e9')).stderr).toBe(
      '--count: expected a whole number in decimal digits, got "1e9"\n',
    );
    expect((await seq('--scheduler', 'wlc', '--weights', '1,1', '--ops', '100000001Q')).stderr).toBe(
      '--count: at most 100000000 picks, got 100000001 (from the --ops script)\n',
    );
  });
  it('refuses --by-worker when its passes over the picks would be too many', async () => {
    const r = await seq(
      '--scheduler',
      'wrr',
      '--weights',
      '1,1',
      '--count',
      '100000000',
      '--cluster',
      '64x64',
      '--by-worker',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      '--by-worker: each node/worker line is its own pass over the picks, so --count × nodes × workers may be at most 1000000000, got 100000000 × 4096\n',
    );
  });
  it('streams the picks in bounded chunks', async () => {
    const chunks: number[] = [];
    const r = await runCommand(
      (p) => {
        register(p);
        // Runs after the helper captured stdout: count the chunks it receives.
        p.hook('preAction', () => {
          const write = process.stdout.write.bind(process.stdout);
          process.stdout.write = ((s: string) => {
            chunks.push(s.length);
            return write(s);
          }) as typeof process.stdout.write;
        });
      },
      ['sequence', '--scheduler', 'wrr', '--weights', '2,1', '--count', '300000'],
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${'ABA'.repeat(100_000)}\n`);
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(1 << 17);
  });
  it('--json and --by-worker give the same picks as the plain sequence', async () => {
    const args = [
      '--scheduler',
      'wrr',
      '--weights',
      '4,3,2',
      '--count',
      '72',
      '--cluster',
      '2x4',
      '--seed',
      '7',
    ];
    const plain = (await seq(...args)).stdout.trim();
    const json = JSON.parse((await seq(...args, '--json')).stdout);
    expect(json.picks.map((m: number) => String.fromCharCode(65 + m)).join('')).toBe(plain);
    expect(json.nodeWorker).toHaveLength(72);
    const lines = (await seq(...args, '--by-worker')).stdout.trim().split('\n');
    expect(lines[0]).toBe(plain);
    const perWorker = new Map<string, string>();
    json.nodeWorker.forEach(([node, worker]: [number, number], i: number) => {
      const k = `node ${node} worker ${worker}`;
      perWorker.set(k, (perWorker.get(k) ?? '') + plain[i]);
    });
    const expected = [...perWorker]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([k, v]) => `${k}: ${v}`);
    expect(lines.slice(1)).toEqual(expected);
  });
  it('parses op counts', () => {
    expect(parseOps('eC eall', 3)).toEqual([
      { kind: 'e', backend: 2 },
      { kind: 'e', backend: 'all' },
    ]);
    expect(parseOps('7S rB Q rall', 3)).toEqual([
      { kind: 'S', times: 7 },
      { kind: 'r', backend: 1 },
      { kind: 'Q', times: 1 },
      { kind: 'r', backend: 'all' },
    ]);
  });
});
