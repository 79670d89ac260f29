import { describe, expect, it } from 'vitest';
import { AFFINITY_IP, AFFINITY_NONE, AFFINITY_TUPLE } from '../../src/plan/plan-keys.js';
import { TrafficDiff } from '../../src/plan/traffic-diff.js';
import { OUTCOME_LISTENER_STOPPED, OUTCOME_NO_BACKEND, OUTCOME_OK } from '../../src/routing/outcomes.js';

const IP = 0x0a000001;

/** One pair: template 0 on listener 0 from IP:port, before (scope, backend, outcome) → after. */
function pair(
  d: TrafficDiff,
  t: number,
  before: [number, number, number],
  after: [number, number, number],
  opts: { ip?: number; port?: number; affinity?: number; template?: number } = {},
): void {
  const a = opts.affinity ?? AFFINITY_NONE;
  d.add(t, opts.template ?? 0, 0, opts.ip ?? IP, opts.port ?? 40000, ...before, a, ...after, a);
}

describe('TrafficDiff', () => {
  it('Given pairs before the change, When added, Then they count as earlier and nothing else', () => {
    const d = new TrafficDiff(100);
    pair(d, 99, [0, 0, OUTCOME_OK], [0, 0, OUTCOME_OK]);
    expect([d.earlier, d.compared, d.moved]).toEqual([1, 0, 0]);
    expect(d.listenerOfTemplate(0)).toBe(0);
  });

  it('Given a request that changes backend in its scope, Then it moves out of one cell and into the other', () => {
    const d = new TrafficDiff(0);
    pair(d, 0, [0, 0, OUTCOME_OK], [0, 1, OUTCOME_OK]);
    pair(d, 1, [0, 1, OUTCOME_OK], [0, 1, OUTCOME_OK]);
    expect([d.compared, d.moved]).toEqual([2, 1]);
    expect(d.scopeCounts(0)).toEqual({
      requests: [2, 2],
      served: [2, 2],
      noEligibleBackend: [0, 0],
      movedOut: 1,
      movedIn: 1,
    });
    expect(d.cellCounts()).toEqual([
      { scope: 0, backend: 0, served: [1, 0], movedOut: 1, movedIn: 0 },
      { scope: 0, backend: 1, served: [1, 2], movedOut: 0, movedIn: 1 },
    ]);
    expect(d.routeChanges()).toEqual([]);
    expect(d.listenerCounts(0)).toEqual({ requests: 2, routeChanged: 0 });
  });

  it('Given a request that finds no backend after, Then it moves to no cell and counts as no eligible backend', () => {
    const d = new TrafficDiff(0);
    pair(d, 0, [2, 5, OUTCOME_OK], [2, -1, OUTCOME_NO_BACKEND]);
    expect(d.scopeCounts(2)).toEqual({
      requests: [1, 1],
      served: [1, 0],
      noEligibleBackend: [0, 1],
      movedOut: 1,
      movedIn: 1,
    });
    expect(d.cellCounts()).toEqual([{ scope: 2, backend: 5, served: [1, 0], movedOut: 1, movedIn: 0 }]);
    expect([...d.outcomes[0]]).toEqual([1, 0, 0, 0, 0, 0]);
    expect([...d.outcomes[1]]).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it('Given requests that change route, Then they are counted per template and (from, to), refusals included', () => {
    const d = new TrafficDiff(0);
    pair(d, 0, [0, 0, OUTCOME_OK], [1, 0, OUTCOME_OK], { template: 3 });
    pair(d, 1, [0, 0, OUTCOME_OK], [1, 0, OUTCOME_OK], { template: 3 });
    pair(d, 2, [0, 0, OUTCOME_OK], [-1, -1, OUTCOME_LISTENER_STOPPED], { template: 1 });
    expect(d.routeChanges()).toEqual([
      { template: 3, from: 0, to: 1, count: 2 },
      { template: 1, from: 0, to: -3, count: 1 },
    ]);
    expect(d.listenerCounts(0)).toEqual({ requests: 3, routeChanged: 3 });
    expect(d.templates).toBe(4);
    expect(d.listenerOfTemplate(2)).toBe(-1);
  });

  it('Given a sticky scope, Then distinct clients are counted once and remapped when any request changed backend', () => {
    const d = new TrafficDiff(0);
    const sticky = { affinity: AFFINITY_IP };
    pair(d, 0, [0, 0, OUTCOME_OK], [0, 0, OUTCOME_OK], { ...sticky, ip: 1 });
    pair(d, 1, [0, 0, OUTCOME_OK], [0, 1, OUTCOME_OK], { ...sticky, ip: 1, port: 2 });
    pair(d, 2, [0, 1, OUTCOME_OK], [0, 1, OUTCOME_OK], { ...sticky, ip: 2 });
    // Another scope on one side: not the same scope, so no client of either.
    pair(d, 3, [0, 1, OUTCOME_OK], [1, 1, OUTCOME_OK], { ...sticky, ip: 3 });
    expect(d.clientCounts(0)).toEqual({ keys: AFFINITY_IP, seen: 2, remapped: 1 });
    expect(d.clientCounts(1)).toBeNull();
  });

  it('Given a 4-tuple hashed scope, Then a client is an (IP, port) pair', () => {
    const d = new TrafficDiff(0);
    const tuple = { affinity: AFFINITY_TUPLE, ip: 7 };
    pair(d, 0, [0, 0, OUTCOME_OK], [0, 0, OUTCOME_OK], { ...tuple, port: 1 });
    pair(d, 1, [0, 0, OUTCOME_OK], [0, 1, OUTCOME_OK], { ...tuple, port: 2 });
    expect(d.clientCounts(0)).toEqual({ keys: AFFINITY_TUPLE, seen: 2, remapped: 1 });
  });

  it('grows its counters for many scopes, backends and listeners', () => {
    const d = new TrafficDiff(0);
    for (let s = 0; s < 300; s++) d.add(s, s, s, IP, 1, s, s * 7, OUTCOME_OK, 0, s, s * 7 + 1, OUTCOME_OK, 0);
    expect([d.compared, d.moved, d.templates]).toEqual([300, 300, 300]);
    expect(d.scopeCounts(299).movedOut).toBe(1);
    expect(d.cellCounts()).toHaveLength(600);
    expect(d.listenerCounts(299)).toEqual({ requests: 1, routeChanged: 0 });
  });
});
