import { describe, expect, test } from 'vitest';
import { acceptedParams, apply, fold, modelledParams } from '../../src/topology/apply.js';
import { ACTIONS, type TopologyEvent } from '../../src/topology/events.js';
import { EMPTY_STATE } from '../../src/topology/types.js';
import { GROUP, HTTP_80, LB_VPC, WORLD } from './fixtures.js';
import { ev, given } from './gwt.js';

describe('apply', () => {
  test('an unknown action is UnknownAction, with a hint for a likely typo', () => {
    const r = apply(EMPTY_STATE, { action: 'CreateVServerGrop', params: {} } as unknown as TopologyEvent);
    expect(r).toMatchObject({ ok: false, error: { code: 'UnknownAction', origin: 'simulator' } });
    if (!r.ok) expect(r.error.message).toContain('did you mean CreateVServerGroup?');
    expect(apply(EMPTY_STATE, { action: 42, params: {} } as unknown as TopologyEvent).ok).toBe(false);
  });
  test('params must be an object; absent params are an empty call', () => {
    expect(
      apply(EMPTY_STATE, { action: 'CreateLoadBalancer', params: 'x' } as unknown as TopologyEvent),
    ).toMatchObject({ ok: false, error: { code: 'InvalidParameter' } });
    expect(apply(EMPTY_STATE, { action: 'CreateLoadBalancer' } as unknown as TopologyEvent)).toMatchObject({
      ok: false,
      error: { code: 'MissingParameter', param: 'RegionId' },
    });
  });
  test('unknown parameter names are rejected per action, documented unmodelled ones accepted', () => {
    given(WORLD)
      .when('DeleteVServerGroup', { VServerGroupId: 'x', Bandwidth: 1 })
      .rejects('InvalidParameter', 'Bandwidth');
    given(WORLD, GROUP)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        VServerGroupId: 'rsp-1',
        IdleTimeout: 15,
        Gzip: 'on',
        RequestTimeout: 60,
        XForwardedFor_proto: 'on',
      })
      .then();
    given(WORLD, GROUP)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        VServerGroupId: 'rsp-1',
        PersistenceTimeout: 5,
      })
      .rejects('InvalidParameter', 'PersistenceTimeout');
  });
  test('a rejected event leaves the very same state object (the caller keeps it)', () => {
    const g = given(WORLD, GROUP);
    const before = JSON.stringify(g.state);
    g.when('AddVServerGroupBackendServers', {
      VServerGroupId: 'rsp-1',
      BackendServers: [
        { ServerId: 'i-3', Port: 80 },
        { ServerId: 'i-nope', Port: 80 },
      ],
    }).rejects('ObtainIpFail');
    expect(JSON.stringify(g.state)).toBe(before);
  });
  test('accepted and modelled parameter lists exist for every action', () => {
    for (const a of ACTIONS) {
      expect(modelledParams(a).length, a).toBeGreaterThan(0);
      for (const m of modelledParams(a)) expect(acceptedParams(a), a).toContain(m);
      expect(acceptedParams(a)).toContain('OwnerId');
    }
    expect(acceptedParams('CreateLoadBalancer')).toContain('InternetChargeType');
  });
});

describe('fold', () => {
  test('skips rejected events and reports every result in order', () => {
    const events = [
      LB_VPC,
      ev('CreateLoadBalancer', { RegionId: 'x' }),
      ev('CreateLoadBalancer', { RegionId: 'cn-hangzhou' }),
    ];
    const { state, results } = fold(events);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'InvalidRegionId.NotFound',
      'ok',
    ]);
    expect(state.LoadBalancers.map((l) => l.LoadBalancerId)).toEqual(['lb-1', 'lb-sim1']);
  });
  test('starts from EMPTY_STATE by default, or from a given state', () => {
    expect(fold([]).state).toBe(EMPTY_STATE);
    const s1 = fold(WORLD).state;
    expect(fold([GROUP, HTTP_80], s1).state.LoadBalancers[0].Listeners).toHaveLength(1);
  });
  test('the issue example: raw events with numeric strings and JSON lists', () => {
    const { state, results } = fold([
      ev('CreateInstance', {
        InstanceId: 'i-web1',
        RegionId: 'cn-hangzhou',
        NetworkType: 'vpc',
        VpcId: 'vpc-1',
        PrivateIpAddress: '10.0.0.11',
      }),
      ev('CreateLoadBalancer', {
        LoadBalancerId: 'lb-1',
        RegionId: 'cn-hangzhou',
        AddressType: 'intranet',
        VpcId: 'vpc-1',
      }),
      ev('CreateVServerGroup', {
        LoadBalancerId: 'lb-1',
        VServerGroupId: 'rsp-api',
        BackendServers: '[{"ServerId":"i-web1","Port":"8080","Weight":"100"}]',
      }),
      {
        at: 30_000_000,
        ...ev('SetVServerGroupAttribute', {
          VServerGroupId: 'rsp-api',
          BackendServers: [{ ServerId: 'i-web1', Port: 8080, Weight: 50 }],
        }),
      },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(state.LoadBalancers[0].VServerGroups[0].BackendServers).toEqual([
      { ServerId: 'i-web1', Port: 8080, Weight: 50, Type: 'ecs' },
    ]);
  });
});
