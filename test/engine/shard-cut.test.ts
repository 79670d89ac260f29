import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { planCut } from '../../src/engine/shard-cut.js';

const unitsOf = (file: string, count: number) =>
  planCut(loadChecked(file, {}), count).units.map((u) => [u.name, u.shard]);

describe('planCut', () => {
  it('given independent scopes, then each scope is a unit, weighed by the mix and dealt largest first', () => {
    expect(unitsOf('scenarios/seed-case.yaml', 2)).toEqual([
      ['lb-seed:http:80/listener-vserver-group/rsp-web', 0],
      ['lb-seed:http:80/rule/rule-sim1/rsp-api', 1],
      ['lb-seed:http:81/default-pool/80', 1],
      ['lb-seed:http:80/default-pool/-', 0],
    ]);
  });

  it('given scopes whose sticky cookie one client jar carries, then they are one unit', () => {
    expect(unitsOf('scenarios/sticky-few-clients.yaml', 3)).toEqual([
      [
        'cookie SERVERID: lb-sticky:http:80/default-pool/-, lb-sticky:http:80/listener-vserver-group/rsp-sticky',
        0,
      ],
    ]);
  });

  it('given a cluster-mode scope without persistence, then it is cut by CLB node; an exact-mode one stays whole', () => {
    const cut = planCut(loadChecked('scenarios/cluster-vs-exact.yaml', {}), 2);
    expect(cut.ownerOfScope('lb-c:http:80/listener-vserver-group/rsp-c')).toBe(0);
    expect(cut.ownerOfScope('lb-c:http:8080/listener-vserver-group/rsp-c')).toBe(-1);
    expect(
      [0, 1, 2, 3].map((n) => cut.ownerOfNode('lb-c:http:8080/listener-vserver-group/rsp-c', n)),
    ).toEqual([1, 1, 1, 1]);
    expect(cut.unitsOf(1)).toEqual([
      'lb-c:http:8080/listener-vserver-group/rsp-c@0',
      'lb-c:http:8080/listener-vserver-group/rsp-c@1',
      'lb-c:http:8080/listener-vserver-group/rsp-c@2',
      'lb-c:http:8080/listener-vserver-group/rsp-c@3',
      'lb-c:http:8080/default-pool/-@3',
    ]);
  });

  it('given more shards than units, then the extra shards own nothing', () => {
    const cut = planCut(loadChecked('scenarios/sticky-few-clients.yaml', {}), 4);
    expect([0, 1, 2, 3].map((i) => cut.unitsOf(i).length)).toEqual([1, 0, 0, 0]);
  });
});
