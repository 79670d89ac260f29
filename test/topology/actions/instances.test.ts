import { describe, expect, test } from 'vitest';
import { findInstance } from '../../../src/topology/lookup.js';
import { ecs, REGION } from '../fixtures.js';
import { given } from '../gwt.js';

describe('CreateInstance', () => {
  test('Given nothing, When an ECS with a VpcId is created, Then it is a running VPC instance', () => {
    given()
      .when('CreateInstance', {
        InstanceId: 'i-1',
        RegionId: REGION,
        VpcId: 'vpc-1',
        PrivateIpAddress: '10.0.0.1',
        ZoneId: 'cn-hangzhou-h',
        InstanceName: 'web 1',
      })
      .then((state, response) => {
        expect(response).toEqual({ InstanceId: 'i-1' });
        expect(state.Instances).toEqual([
          {
            InstanceId: 'i-1',
            InstanceName: 'web 1',
            RegionId: REGION,
            ZoneId: 'cn-hangzhou-h',
            NetworkType: 'vpc',
            VpcId: 'vpc-1',
            Status: 'Running',
            PrivateIpAddress: '10.0.0.1',
          },
        ]);
      });
  });
  test('without a VpcId it is classic; Status may be given', () => {
    given()
      .when('CreateInstance', { InstanceId: 'i-c', RegionId: REGION, Status: 'stopped' })
      .then((state) => {
        expect(findInstance(state, 'i-c')).toEqual({
          InstanceId: 'i-c',
          RegionId: REGION,
          NetworkType: 'classic',
          Status: 'Stopped',
        });
      });
  });
  test('documented but unmodelled DescribeInstances fields are accepted', () => {
    given()
      .when('CreateInstance', {
        InstanceId: 'i-x',
        RegionId: REGION,
        InstanceType: 'ecs.g7.large',
        HostName: 'h',
      })
      .then();
  });
  test('a duplicate id is rejected', () => {
    given(ecs('i-1'))
      .when('CreateInstance', { InstanceId: 'i-1', RegionId: REGION })
      .rejects('InvalidInstanceId.AlreadyExists', 'InstanceId');
  });
  test('a VPC instance needs its VpcId; a classic one has none', () => {
    given()
      .when('CreateInstance', { InstanceId: 'i-1', RegionId: REGION, NetworkType: 'vpc' })
      .rejects('MissingParameter', 'VpcId');
    given()
      .when('CreateInstance', { InstanceId: 'i-1', RegionId: REGION, NetworkType: 'classic', VpcId: 'vpc-1' })
      .rejects('InvalidParameter', 'VpcId');
  });
  test('bad values name their parameter', () => {
    given().when('CreateInstance', { RegionId: REGION }).rejects('MissingParameter', 'InstanceId');
    given().when('CreateInstance', { InstanceId: 'i-1' }).rejects('MissingParameter', 'RegionId');
    given()
      .when('CreateInstance', { InstanceId: 'i-1', RegionId: REGION, Status: 'Paused' })
      .rejects('InvalidParameter', 'Status');
    given()
      .when('CreateInstance', { InstanceId: 'i-1', RegionId: REGION, PrivateIpAddress: '10.0.0' })
      .rejects('InvalidParameter', 'PrivateIpAddress');
    given()
      .when('CreateInstance', { InstanceId: 'i 1', RegionId: REGION })
      .rejects('InvalidParameter', 'InstanceId');
    given()
      .when('CreateInstance', { InstanceId: 'i-1', RegionId: REGION, Stauts: 'Running' })
      .rejects('InvalidParameter', 'Stauts');
  });
});

describe('StartInstance / StopInstance', () => {
  test('Given a running ECS, When stopped, Then it is Stopped and the other entries are shared', () => {
    const g = given(ecs('i-1'), ecs('i-2'));
    const stopped = g.when('StopInstance', { InstanceId: 'i-1' }).then((state, response) => {
      expect(findInstance(state, 'i-1')?.Status).toBe('Stopped');
      expect(response).toEqual({ InstanceId: 'i-1' });
    });
    expect(stopped.Instances[1]).toBe(g.state.Instances[1]);
    expect(g.state.Instances[0].Status).toBe('Running');
  });
  test('stopping a stopped instance (or starting a running one) is IncorrectInstanceStatus', () => {
    given(ecs('i-1'))
      .when('StartInstance', { InstanceId: 'i-1' })
      .rejects('IncorrectInstanceStatus', 'InstanceId');
    given(ecs('i-1', { Status: 'Stopped' }))
      .when('StopInstance', { InstanceId: 'i-1' })
      .rejects('IncorrectInstanceStatus', 'InstanceId');
    given(ecs('i-1', { Status: 'Stopped' }))
      .when('StartInstance', { InstanceId: 'i-1' })
      .then((s) => {
        expect(s.Instances[0].Status).toBe('Running');
      });
  });
  test('an unknown instance is InvalidInstanceId.NotFound', () => {
    given().when('StopInstance', { InstanceId: 'i-9' }).rejects('InvalidInstanceId.NotFound', 'InstanceId');
  });
  test('DryRun checks without changing anything', () => {
    const g = given(ecs('i-1'));
    const w = g.when('StopInstance', { InstanceId: 'i-1', DryRun: true });
    expect(w.then()).toBe(g.state);
    g.when('StopInstance', { InstanceId: 'i-1', DryRun: 'false' }).then((s) =>
      expect(s.Instances[0].Status).toBe('Stopped'),
    );
    g.when('StartInstance', { InstanceId: 'i-1', DryRun: true }).rejects('IncorrectInstanceStatus');
    g.when('StopInstance', { InstanceId: 'i-1', DryRun: 'maybe' }).rejects('InvalidParameter', 'DryRun');
  });
});
