import { describe, expect, it } from 'vitest';
import { AliasTable } from '../../src/engine/alias.js';
import { RequestPlan } from '../../src/live/request-plan.js';
import type { RequestTemplate } from '../../src/scenario/scenario-model.js';
import { SINGLE_CLIENT } from '../../src/scenario/traffic-defaults.js';
import { stream } from '../../src/util/rng.js';

const pos = { file: 's.yaml', line: 1, col: 1 };
const tpl = (listener: string, host: string, weight: number): RequestTemplate => ({
  listener,
  weight,
  host,
  path: '/',
  method: 'GET',
  headers: {},
  cookies: {},
  pos,
});
const MIX = [tpl('lb:http:80', 'a.example.com', 3), tpl('lb:http:81', 'b.example.com', 1)];

describe('RequestPlan', () => {
  it('draws the mix exactly as the engine does (alias table on the seeded mix stream)', () => {
    const plan = RequestPlan.ofCount(MIX, SINGLE_CLIENT, 'seed-1', 200);
    const table = new AliasTable([3, 1]);
    const r = stream('seed-1', 'mix');
    const expected = Array.from({ length: 200 }, () => table.draw(r));
    expect(Array.from(plan.template)).toEqual(expected);
  });

  it('splits the sequence per listener, keeping order, and the parts add up', () => {
    const plan = RequestPlan.ofCount(MIX, SINGLE_CLIENT, 's', 1000);
    const a = plan.byListener.get('lb:http:80')!;
    const b = plan.byListener.get('lb:http:81')!;
    expect(a.length + b.length).toBe(1000);
    for (const idx of [a, b]) for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
    for (const j of a) expect(plan.template[j]).toBe(0);
  });

  it('assigns clients from the clients model: ips × ports distinct (ip, port) pairs', () => {
    const clients = { ...SINGLE_CLIENT, ips: 3, portsPerIp: 2, firstIp: '10.1.0.250', firstPort: 5000 };
    const plan = RequestPlan.ofCount(MIX, clients, 's', 500);
    const seen = new Set<string>();
    for (let j = 0; j < plan.size; j++) seen.add(`${plan.clientIp[j]}:${plan.clientPort[j]}`);
    const base = (10 << 24) + (1 << 16) + 250;
    expect([...seen].sort()).toEqual(
      [0, 1, 2].flatMap((i) => [5000, 5001].map((p) => `${base + i}:${p}`)).sort(),
    );
  });

  it('from phases: the engine arrival times, capped, with per-window counts', () => {
    const phases = [
      { duration: 2_000_000, arrivalRate: 10, mode: 'uniform' as const },
      { duration: 1_000_000, pause: true, mode: 'uniform' as const },
      { duration: 1_000_000, arrivalCount: 5, mode: 'uniform' as const },
    ];
    const plan = RequestPlan.ofPhases(MIX, SINGLE_CLIENT, 's', phases);
    expect(plan.size).toBe(25);
    expect(Array.from(plan.at.slice(0, 3))).toEqual([0, 100_000, 200_000]);
    expect(plan.lastArrival).toBe(3_800_000);
    const total = (from: number, to: number) =>
      plan.countIn('lb:http:80', from, to) + plan.countIn('lb:http:81', from, to);
    expect([total(0, 1e6), total(1e6, 2e6), total(2e6, 3e6), total(3e6, 4e6)]).toEqual([10, 10, 0, 5]);
    expect(RequestPlan.ofPhases(MIX, SINGLE_CLIENT, 's', phases, 7).size).toBe(7);
  });
});
