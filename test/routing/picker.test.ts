import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Balancer, RouteResult } from '../../src/routing/balancer.js';
import { OUTCOME_NO_BACKEND, OUTCOME_OK } from '../../src/routing/outcomes.js';
import { createScheduler } from '../../src/schedulers/factory.js';
import { L7_SCHEDULER_NAMES } from '../../src/topology/scheduler-names.js';
import { webTopology } from './fixtures.js';

const WEB = 'lb-1:http:80/listener-vserver-group/rsp-web';

describe('Picker', () => {
  it('given an exact-mode scope without stickiness (the fast path), then it picks exactly as a fresh scheduler', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...L7_SCHEDULER_NAMES),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 60 }),
        (scheduler, weights, n) => {
          const state = webTopology([
            {
              action: 'SetLoadBalancerHTTPListenerAttribute',
              params: { LoadBalancerId: 'lb-1', ListenerPort: 80, Scheduler: scheduler },
            },
            {
              action: 'SetVServerGroupAttribute',
              params: {
                VServerGroupId: 'rsp-web',
                BackendServers: [
                  { ServerId: 'i-a', Port: 8080, Weight: weights[0] },
                  { ServerId: 'i-b', Port: 8080, Weight: weights[1] },
                  { ServerId: 'i-c', Port: 8081, Weight: weights[2] },
                ],
              },
            },
          ]);
          const b = new Balancer(state, {
            seed: 's',
            cluster: { nodes: 1, workers: 1 },
            ruleMatching: 'domain-first',
            l4Order: 'kernel',
          });
          const scope = b.scopeByKey(WEB)!;
          expect(scope.fast).not.toBeNull();
          const reference = createScheduler({ name: scheduler, layer: 7 });
          reference.update({
            keys: scope.memberKeys,
            weights: Array.from(scope.weights),
            eligible: Array.from(scope.weights, (w) => (w > 0 ? 1 : 0)),
          });
          const out = new RouteResult();
          const l = b.listenerOf('lb-1:http:80');
          for (let i = 0; i < n; i++) {
            b.resolve(l, 'www.example.com', '/', out);
            b.pick(out, 0x0a000001 + i, 40000, undefined, 0);
            const m = reference.pick(0);
            expect(out.outcome).toBe(m < 0 ? OUTCOME_NO_BACKEND : OUTCOME_OK);
            expect(out.member).toBe(m);
            expect([out.node, out.worker, out.sticky]).toEqual([0, 0, false]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('given a cluster of 2 × 2, then picks leave the fast path and name the node and worker of the 4-tuple', () => {
    const b = new Balancer(webTopology(), {
      seed: 's',
      cluster: { nodes: 2, workers: 2 },
      ruleMatching: 'domain-first',
      l4Order: 'kernel',
    });
    const scope = b.scopeByKey(WEB)!;
    expect(scope.fast).toBeNull();
    const out = new RouteResult();
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      b.resolve(b.listenerOf('lb-1:http:80'), 'www.example.com', '/', out);
      b.pick(out, 0x0a000001 + i, 40000 + i, undefined, 0);
      expect(out.outcome).toBe(OUTCOME_OK);
      seen.add(`${out.node}/${out.worker}`);
    }
    expect([...seen].sort()).toEqual(['0/0', '0/1', '1/0', '1/1']);
  });
});
