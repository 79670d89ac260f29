import { describe, expect, test } from 'vitest';
import { findLoadBalancer } from '../../../src/topology/lookup.js';
import { GROUP, HTTP_80, LB_VPC, REGION, WORLD } from '../fixtures.js';
import { ev, given } from '../gwt.js';

describe('CreateLoadBalancer', () => {
  test('Given nothing, When created with only a RegionId, Then it is a classic internet instance with generated id and address', () => {
    given()
      .when('CreateLoadBalancer', { RegionId: REGION })
      .then((state, response) => {
        expect(state.nextId).toBe(2);
        expect(state.LoadBalancers).toEqual([
          {
            LoadBalancerId: 'lb-sim1',
            LoadBalancerName: 'lb-sim1',
            RegionId: REGION,
            AddressType: 'internet',
            NetworkType: 'classic',
            Address: '198.18.0.1',
            LoadBalancerStatus: 'active',
            BackendServers: [],
            VServerGroups: [],
            MasterSlaveServerGroups: [],
            Listeners: [],
          },
        ]);
        expect(response).toEqual({
          LoadBalancerId: 'lb-sim1',
          LoadBalancerName: 'lb-sim1',
          Address: '198.18.0.1',
          NetworkType: 'classic',
        });
      });
  });
  test('a VpcId makes it a VPC instance; intranet addresses come from 10.254.0.0/16', () => {
    given(LB_VPC)
      .when('CreateLoadBalancer', {
        RegionId: REGION,
        AddressType: 'intranet',
        VpcId: 'vpc-1',
        VSwitchId: 'vsw-1',
        LoadBalancerName: '内网-lb',
        LoadBalancerSpec: 'slb.s3.small',
      })
      .then((state, response) => {
        const lb = state.LoadBalancers[1];
        expect(lb).toMatchObject({
          LoadBalancerId: 'lb-sim1',
          NetworkType: 'vpc',
          VpcId: 'vpc-1',
          VSwitchId: 'vsw-1',
          Address: '10.254.0.2',
          LoadBalancerName: '内网-lb',
          LoadBalancerSpec: 'slb.s3.small',
        });
        expect(response).toMatchObject({ VpcId: 'vpc-1', VSwitchId: 'vsw-1' });
      });
  });
  test('generated ids skip ids a scenario already took', () => {
    given(ev('CreateLoadBalancer', { RegionId: REGION, LoadBalancerId: 'lb-sim1' }))
      .when('CreateLoadBalancer', { RegionId: REGION })
      .then((state) => expect(state.LoadBalancers[1].LoadBalancerId).toBe('lb-sim2'));
  });
  test('a given Address is kept; a taken one is rejected', () => {
    const g = given(
      ev('CreateLoadBalancer', { RegionId: REGION, Address: '47.1.2.3', LoadBalancerId: 'lb-a' }),
    );
    expect(findLoadBalancer(g.state, 'lb-a')?.Address).toBe('47.1.2.3');
    g.when('CreateLoadBalancer', { RegionId: REGION, Address: '47.1.2.3' }).rejects(
      'InvalidParameter',
      'Address',
    );
  });
  test('a duplicate simulator id is rejected', () => {
    given(LB_VPC)
      .when('CreateLoadBalancer', { RegionId: REGION, LoadBalancerId: 'lb-1' })
      .rejects('InvalidLoadBalancerId.AlreadyExists', 'LoadBalancerId');
  });
  test('RegionId is required and must look like a region', () => {
    given().when('CreateLoadBalancer', {}).rejects('MissingParameter', 'RegionId');
    given()
      .when('CreateLoadBalancer', { RegionId: 'Hangzhou' })
      .rejects('InvalidRegionId.NotFound', 'RegionId');
  });
  test('LoadBalancerSpec must be a known guaranteed-performance spec', () => {
    given()
      .when('CreateLoadBalancer', { RegionId: REGION, LoadBalancerSpec: 'slb.s9.huge' })
      .rejects('InvalidParameter', 'LoadBalancerSpec');
  });
  test('AddressType is internet or intranet; VSwitchId needs VpcId; names have a format', () => {
    given()
      .when('CreateLoadBalancer', { RegionId: REGION, AddressType: 'public' })
      .rejects('InvalidParameter', 'AddressType');
    given()
      .when('CreateLoadBalancer', { RegionId: REGION, VSwitchId: 'vsw-1' })
      .rejects('MissingParameter', 'VpcId');
    given()
      .when('CreateLoadBalancer', { RegionId: REGION, LoadBalancerName: 'my lb' })
      .rejects('InvalidParameter', 'LoadBalancerName');
  });
  test('documented billing parameters are accepted and ignored', () => {
    given()
      .when('CreateLoadBalancer', {
        RegionId: REGION,
        Bandwidth: 5,
        InternetChargeType: 'paybytraffic',
        Tags: '[]',
        OwnerId: 1,
      })
      .then();
  });
});

describe('DeleteLoadBalancer', () => {
  test('Given a load balancer with groups and listeners, When deleted, Then it is gone with all of them', () => {
    given(WORLD, GROUP, HTTP_80)
      .when('DeleteLoadBalancer', { LoadBalancerId: 'lb-1' })
      .then((state) => {
        expect(findLoadBalancer(state, 'lb-1')).toBeUndefined();
        expect(state.LoadBalancers.map((l) => l.LoadBalancerId)).toEqual(['lb-g', 'lb-ci', 'lb-net']);
      });
  });
  test('an unknown id, or one in another region, is InvalidLoadBalancerId.NotFound', () => {
    given(LB_VPC)
      .when('DeleteLoadBalancer', { LoadBalancerId: 'lb-9' })
      .rejects('InvalidLoadBalancerId.NotFound', 'LoadBalancerId');
    given(LB_VPC)
      .when('DeleteLoadBalancer', { LoadBalancerId: 'lb-1', RegionId: 'cn-beijing' })
      .rejects('InvalidLoadBalancerId.NotFound', 'RegionId');
    given(LB_VPC).when('DeleteLoadBalancer', {}).rejects('MissingParameter', 'LoadBalancerId');
  });
});
