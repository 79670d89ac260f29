import { describe, expect, test } from 'vitest';
import { findListener, findListenerByKey, findLoadBalancer } from '../../../src/topology/lookup.js';
import type { TopologyState } from '../../../src/topology/types.js';
import { GROUP, GROUP2, HTTP_80, MS_GROUP, TCP_443, WORLD } from '../fixtures.js';
import { ev, given } from '../gwt.js';

function listener(s: TopologyState, lb: string, protocol: 'http' | 'https' | 'tcp' | 'udp', port: number) {
  const l = findLoadBalancer(s, lb);
  return l && findListener(l, protocol, port);
}

describe('Create…Listener', () => {
  test('Given a group, When an HTTP listener is created with it, Then it is stopped, wrr, health 3/3 2s 5s, VServerGroup on', () => {
    given(WORLD, GROUP)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: '80',
        VServerGroupId: 'rsp-1',
        Bandwidth: -1,
        XForwardedFor: 'on',
      })
      .then((s, r) => {
        expect(r).toEqual({});
        expect(listener(s, 'lb-1', 'http', 80)).toEqual({
          ListenerProtocol: 'http',
          ListenerPort: 80,
          Scheduler: 'wrr',
          VServerGroup: 'on',
          VServerGroupId: 'rsp-1',
          MasterSlaveServerGroup: 'off',
          StickySession: 'off',
          PersistenceTimeout: 0,
          HealthCheck: 'on',
          HealthyThreshold: 3,
          UnhealthyThreshold: 3,
          HealthCheckTimeout: 5,
          HealthCheckInterval: 2,
          Status: 'stopped',
          Rules: [],
        });
      });
  });
  test('TCP listener on the default pool: BackendServerPort, persistence, L4 health-check names', () => {
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        BackendServerPort: '8443',
        PersistenceTimeout: '600',
        HealthCheckSwitch: 'on',
        HealthCheckType: 'http',
        HealthCheckURI: '/health',
        HealthCheckConnectTimeout: 10,
        healthCheckInterval: '7',
        HealthyThreshold: 2,
        UnhealthyThreshold: 10,
        EstablishedTimeout: 900,
      })
      .then((s) =>
        expect(listener(s, 'lb-1', 'tcp', 443)).toMatchObject({
          BackendServerPort: 8443,
          PersistenceTimeout: 600,
          HealthCheckType: 'http',
          HealthCheckURI: '/health',
          HealthCheckTimeout: 10,
          HealthCheckInterval: 7,
          HealthyThreshold: 2,
          UnhealthyThreshold: 10,
          VServerGroup: 'off',
        }),
      );
  });
  test('UDP listener defaults to udp health checks; HTTPS accepts certificate parameters', () => {
    given(WORLD)
      .when('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 53,
        BackendServerPort: 53,
        healthCheckReq: 'ping',
      })
      .then((s) =>
        expect(listener(s, 'lb-1', 'udp', 53)).toMatchObject({ HealthCheckType: 'udp', Scheduler: 'wrr' }),
      );
    given(WORLD, GROUP)
      .when('CreateLoadBalancerHTTPSListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        VServerGroupId: 'rsp-1',
        ServerCertificateId: 'cert-1',
      })
      .then((s) => expect(listener(s, 'lb-1', 'https', 443)?.Status).toBe('stopped'));
  });
  test('BackendServerPort is required when no VServerGroupId is set', () => {
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { LoadBalancerId: 'lb-1', ListenerPort: 80 })
      .rejects('MissingParameter', 'BackendServerPort');
  });
  test('ListenerPort and BackendServerPort are 1–65535', () => {
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 0,
        BackendServerPort: 80,
      })
      .rejects('InvalidParameter', 'ListenerPort');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        BackendServerPort: 70000,
      })
      .rejects('InvalidParameter', 'BackendServerPort');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', { LoadBalancerId: 'lb-1', BackendServerPort: 80 })
      .rejects('MissingParameter', 'ListenerPort');
  });
  test('sharing a port: TCP and UDP can; HTTP, HTTPS and TCP share the TCP port', () => {
    const g = given(WORLD, TCP_443);
    g.when('CreateLoadBalancerUDPListener', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 443,
      BackendServerPort: 443,
    }).then();
    g.when('CreateLoadBalancerHTTPSListener', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 443,
      BackendServerPort: 443,
    }).rejects('ListenerAlreadyExists', 'ListenerPort');
    g.when('CreateLoadBalancerTCPListener', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 443,
      BackendServerPort: 443,
    }).rejects('ListenerAlreadyExists', 'ListenerPort');
    given(WORLD, GROUP, HTTP_80)
      .when('CreateLoadBalancerHTTPSListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        BackendServerPort: 80,
      })
      .rejects('ListenerAlreadyExists', 'ListenerPort');
  });
  test('at most 50 listeners per load balancer (ListenerNumberOverLimit)', () => {
    const fifty = Array.from({ length: 50 }, (_, i) =>
      ev('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 1000 + i,
        BackendServerPort: 80,
      }),
    );
    given(WORLD, fifty)
      .when('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 1000,
        BackendServerPort: 80,
      })
      .rejects('ListenerNumberOverLimit', 'ListenerPort');
  });
  test('one group on many listeners: allowed', () => {
    given(WORLD, GROUP, HTTP_80)
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 8080,
        VServerGroupId: 'rsp-1',
      })
      .then((s) => expect(listener(s, 'lb-1', 'tcp', 8080)?.VServerGroupId).toBe('rsp-1'));
  });
  test('the group must exist in the same load balancer', () => {
    const e = given(WORLD)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        VServerGroupId: 'rsp-9',
      })
      .rejects('InvalidParameter', 'VServerGroupId');
    expect(e.httpStatus).toBe(404);
    given(WORLD, GROUP)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 80,
        VServerGroupId: 'rsp-1',
      })
      .rejects('InvalidParameter', 'VServerGroupId');
  });
  test('a VServer group or a primary/secondary group, never both', () => {
    given(WORLD, MS_GROUP, ev('CreateVServerGroup', { LoadBalancerId: 'lb-g', VServerGroupId: 'rsp-g' }))
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 22,
        VServerGroupId: 'rsp-g',
        MasterSlaveServerGroupId: 'msg-1',
      })
      .rejects('Listener.GroupConflict', 'MasterSlaveServerGroupId');
  });
  test('primary/secondary groups only on TCP/UDP: bound to HTTP it is VipNotMatchRspool', () => {
    given(WORLD, MS_GROUP)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 80,
        VServerGroupId: 'msg-1',
      })
      .rejects('VipNotMatchRspool', 'VServerGroupId');
    given(WORLD, MS_GROUP)
      .when('CreateLoadBalancerHTTPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 80,
        MasterSlaveServerGroupId: 'msg-1',
      })
      .rejects('InvalidParameter', 'MasterSlaveServerGroupId');
    given(WORLD, MS_GROUP)
      .when('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 53,
        MasterSlaveServerGroupId: 'msg-1',
      })
      .then((s) =>
        expect(listener(s, 'lb-g', 'udp', 53)).toMatchObject({
          MasterSlaveServerGroup: 'on',
          MasterSlaveServerGroupId: 'msg-1',
          VServerGroup: 'off',
        }),
      );
  });
  test('a VServer group given as MasterSlaveServerGroupId is VipNotMatchRspool; an unknown one is not found', () => {
    given(WORLD, GROUP)
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 22,
        MasterSlaveServerGroupId: 'rsp-1',
      })
      .rejects('VipNotMatchRspool', 'MasterSlaveServerGroupId');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 22,
        MasterSlaveServerGroupId: 'msg-9',
      })
      .rejects('InvalidMasterSlaveServerGroupId.NotFound', 'MasterSlaveServerGroupId');
  });
  test('schedulers: sch/tch only on TCP/UDP, qch only on UDP, all three only on guaranteed specs', () => {
    const port = { ListenerPort: 80, BackendServerPort: 80 };
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { LoadBalancerId: 'lb-g', ...port, Scheduler: 'sch' })
      .rejects('Listener.SchedulerNotSupported', 'Scheduler');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', { LoadBalancerId: 'lb-g', ...port, Scheduler: 'qch' })
      .rejects('Listener.SchedulerNotSupported', 'Scheduler');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', { LoadBalancerId: 'lb-1', ...port, Scheduler: 'tch' })
      .rejects('Listener.SchedulerNotSupported', 'Scheduler');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', { LoadBalancerId: 'lb-g', ...port, Scheduler: 'tch' })
      .then();
    given(WORLD)
      .when('CreateLoadBalancerUDPListener', { LoadBalancerId: 'lb-g', ...port, Scheduler: 'qch' })
      .then();
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { LoadBalancerId: 'lb-1', ...port, Scheduler: 'wlc' })
      .then();
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { LoadBalancerId: 'lb-1', ...port, Scheduler: 'lc' })
      .rejects('InvalidParameter', 'Scheduler');
  });
  test('sticky sessions: a type, and its cookie timeout or cookie name', () => {
    const base = { LoadBalancerId: 'lb-1', ListenerPort: 80, BackendServerPort: 80, StickySession: 'on' };
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', base)
      .rejects('MissingParameter', 'StickySessionType');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, StickySessionType: 'insert' })
      .rejects('MissingParameter', 'CookieTimeout');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, StickySessionType: 'server' })
      .rejects('MissingParameter', 'Cookie');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, StickySessionType: 'insert', CookieTimeout: 86401 })
      .rejects('InvalidParameter', 'CookieTimeout');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, StickySessionType: 'server', Cookie: 'a;b' })
      .rejects('InvalidParameter', 'Cookie');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, StickySessionType: 'server', Cookie: 'SESSION' })
      .then((s) =>
        expect(listener(s, 'lb-1', 'http', 80)).toMatchObject({
          StickySession: 'on',
          StickySessionType: 'server',
          Cookie: 'SESSION',
        }),
      );
  });
  test('health-check ranges', () => {
    const base = { LoadBalancerId: 'lb-1', ListenerPort: 80, BackendServerPort: 80 };
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, HealthyThreshold: 1 })
      .rejects('InvalidParameter', 'HealthyThreshold');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, UnhealthyThreshold: 11 })
      .rejects('InvalidParameter', 'UnhealthyThreshold');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, HealthCheckInterval: 51 })
      .rejects('InvalidParameter', 'HealthCheckInterval');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, HealthCheckTimeout: 301 })
      .rejects('InvalidParameter', 'HealthCheckTimeout');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', { ...base, HealthCheckType: 'udp' })
      .rejects('InvalidParameter', 'HealthCheckType');
    given(WORLD)
      .when('CreateLoadBalancerTCPListener', { ...base, PersistenceTimeout: 3601 })
      .rejects('InvalidParameter', 'PersistenceTimeout');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, PersistenceTimeout: 10 })
      .rejects('InvalidParameter', 'PersistenceTimeout');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', { ...base, HealthCheck: 'off', Description: 'web 1' })
      .rejects('InvalidParameter', 'Description');
    given(WORLD)
      .when('CreateLoadBalancerHTTPListener', {
        ...base,
        HealthCheck: 'off',
        HealthCheckHttpCode: 'http_2xx,http_3xx',
        HealthCheckDomain: 'a.b',
        HealthCheckConnectPort: 81,
        Description: 'web',
      })
      .then((s) =>
        expect(listener(s, 'lb-1', 'http', 80)).toMatchObject({
          HealthCheck: 'off',
          HealthCheckHttpCode: 'http_2xx,http_3xx',
          Description: 'web',
        }),
      );
  });
});

describe('Set…ListenerAttribute', () => {
  test('changes only what is given', () => {
    given(WORLD, GROUP, HTTP_80)
      .when('SetLoadBalancerHTTPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        Scheduler: 'rr',
        HealthCheck: 'off',
      })
      .then((s) =>
        expect(listener(s, 'lb-1', 'http', 80)).toMatchObject({
          Scheduler: 'rr',
          HealthCheck: 'off',
          VServerGroupId: 'rsp-1',
          HealthyThreshold: 3,
        }),
      );
  });
  test('VServerGroup=off moves the listener to the default pool (needs BackendServerPort) and unbinds the group', () => {
    const g = given(WORLD, GROUP, HTTP_80);
    g.when('SetLoadBalancerHTTPListenerAttribute', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 80,
      VServerGroup: 'off',
    }).rejects('MissingParameter', 'BackendServerPort');
    g.when('SetLoadBalancerHTTPListenerAttribute', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 80,
      VServerGroup: 'off',
      BackendServerPort: 8080,
    }).then((s) => {
      const l = listener(s, 'lb-1', 'http', 80);
      expect(l).toMatchObject({ VServerGroup: 'off', BackendServerPort: 8080 });
      expect(l?.VServerGroupId).toBeUndefined();
    });
    g.when('SetLoadBalancerHTTPListenerAttribute', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 80,
      VServerGroup: 'off',
      VServerGroupId: 'rsp-1',
    }).rejects('InvalidParameter', 'VServerGroupId');
  });
  test('VServerGroup=on with a VServerGroupId switches groups; on needs an id', () => {
    given(WORLD, GROUP, GROUP2, HTTP_80)
      .when('SetLoadBalancerHTTPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        VServerGroup: 'on',
        VServerGroupId: 'rsp-2',
      })
      .then((s) => expect(listener(s, 'lb-1', 'http', 80)?.VServerGroupId).toBe('rsp-2'));
    given(WORLD, GROUP, TCP_443)
      .when('SetLoadBalancerTCPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        VServerGroup: 'on',
      })
      .rejects('MissingParameter', 'VServerGroupId');
    given(WORLD, GROUP, TCP_443)
      .when('SetLoadBalancerTCPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        VServerGroupId: 'rsp-1',
      })
      .then((s) =>
        expect(listener(s, 'lb-1', 'tcp', 443)).toMatchObject({
          VServerGroup: 'on',
          VServerGroupId: 'rsp-1',
        }),
      );
  });
  test('TCP: turning MasterSlaveServerGroup on while VServerGroup is on is Listener.GroupConflict', () => {
    const g = given(
      WORLD,
      MS_GROUP,
      ev('CreateVServerGroup', { LoadBalancerId: 'lb-g', VServerGroupId: 'rsp-g' }),
      ev('CreateLoadBalancerTCPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 22,
        VServerGroupId: 'rsp-g',
      }),
    );
    g.when('SetLoadBalancerTCPListenerAttribute', {
      LoadBalancerId: 'lb-g',
      ListenerPort: 22,
      MasterSlaveServerGroup: 'on',
      MasterSlaveServerGroupId: 'msg-1',
    }).rejects('Listener.GroupConflict', 'MasterSlaveServerGroupId');
    g.when('SetLoadBalancerTCPListenerAttribute', {
      LoadBalancerId: 'lb-g',
      ListenerPort: 22,
      VServerGroup: 'off',
      MasterSlaveServerGroup: 'on',
      MasterSlaveServerGroupId: 'msg-1',
    }).then((s) =>
      expect(listener(s, 'lb-g', 'tcp', 22)).toMatchObject({
        VServerGroup: 'off',
        MasterSlaveServerGroup: 'on',
        MasterSlaveServerGroupId: 'msg-1',
      }),
    );
  });
  test('UDP: switching the primary/secondary group off needs a BackendServerPort', () => {
    given(
      WORLD,
      MS_GROUP,
      ev('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 53,
        MasterSlaveServerGroupId: 'msg-1',
      }),
    )
      .when('SetLoadBalancerUDPListenerAttribute', {
        LoadBalancerId: 'lb-g',
        ListenerPort: 53,
        MasterSlaveServerGroup: 'off',
      })
      .rejects('MissingParameter', 'BackendServerPort');
  });
  test('the protocol comes from the action: no HTTP listener there is ListenerNotFound', () => {
    given(WORLD, TCP_443)
      .when('SetLoadBalancerHTTPSListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        Scheduler: 'rr',
      })
      .rejects('ListenerNotFound', 'ListenerPort');
    given(WORLD)
      .when('SetLoadBalancerUDPListenerAttribute', { LoadBalancerId: 'lb-1', ListenerPort: 53 })
      .rejects('ListenerNotFound', 'ListenerPort');
  });
  test('the merged settings are checked (sticky on needs its type)', () => {
    given(WORLD, GROUP, HTTP_80)
      .when('SetLoadBalancerHTTPListenerAttribute', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        StickySession: 'on',
      })
      .rejects('MissingParameter', 'StickySessionType');
  });
});

describe('Start / Stop / Delete listener', () => {
  test('a new listener is stopped until StartLoadBalancerListener', () => {
    const g = given(WORLD, TCP_443);
    expect(listener(g.state, 'lb-1', 'tcp', 443)?.Status).toBe('stopped');
    const running = g.when('StartLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 443 }).then();
    expect(listener(running, 'lb-1', 'tcp', 443)?.Status).toBe('running');
    const again = g.and(ev('StartLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 443 }));
    expect(
      again.when('StartLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 443 }).then(),
    ).toBe(again.state);
    again
      .when('StopLoadBalancerListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: '443',
        ListenerProtocol: 'TCP',
      })
      .then((s) => expect(listener(s, 'lb-1', 'tcp', 443)?.Status).toBe('stopped'));
  });
  test('ListenerProtocol is needed when TCP and UDP share the port', () => {
    const g = given(
      WORLD,
      TCP_443,
      ev('CreateLoadBalancerUDPListener', {
        LoadBalancerId: 'lb-1',
        ListenerPort: 443,
        BackendServerPort: 443,
      }),
    );
    g.when('StartLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 443 }).rejects(
      'MissingParameter',
      'ListenerProtocol',
    );
    g.when('DeleteLoadBalancerListener', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 443,
      ListenerProtocol: 'udp',
    }).then((s) =>
      expect(findLoadBalancer(s, 'lb-1')?.Listeners.map((l) => l.ListenerProtocol)).toEqual(['tcp']),
    );
    g.when('DeleteLoadBalancerListener', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 443,
      ListenerProtocol: 'http',
    }).rejects('ListenerNotFound', 'ListenerPort');
    g.when('DeleteLoadBalancerListener', {
      LoadBalancerId: 'lb-1',
      ListenerPort: 443,
      ListenerProtocol: 'sctp',
    }).rejects('InvalidParameter', 'ListenerProtocol');
  });
  test('an unknown port is ListenerNotFound', () => {
    given(WORLD)
      .when('StopLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 81 })
      .rejects('ListenerNotFound', 'ListenerPort');
  });
  test('deleting a listener frees its groups', () => {
    given(
      WORLD,
      GROUP,
      HTTP_80,
      ev('DeleteLoadBalancerListener', { LoadBalancerId: 'lb-1', ListenerPort: 80 }),
    )
      .when('DeleteVServerGroup', { VServerGroupId: 'rsp-1' })
      .then();
  });
  test('findListenerByKey', () => {
    const s = given(WORLD, TCP_443).state;
    expect(findListenerByKey(s, 'lb-1:tcp:443')?.listener.BackendServerPort).toBe(8443);
    expect(findListenerByKey(s, 'lb-1:udp:443')).toBeUndefined();
    expect(findListenerByKey(s, 'lb-1:tcp')).toBeUndefined();
    expect(findListenerByKey(s, 'lb-9:tcp:443')).toBeUndefined();
  });
});
