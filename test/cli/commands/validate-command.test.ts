import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register as schema, schemaText } from '../../../src/cli/commands/schema-command.js';
import { register as state } from '../../../src/cli/commands/state-command.js';
import { register as validate } from '../../../src/cli/commands/validate-command.js';
import { lines, runCommand, tempFile } from '../../scenario/helpers.js';

const BROKEN = lines(
  'instances:',
  '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  'topology:',
  '  loadBalancers:',
  '    - id: lb-1',
  '      region: cn-hangzhou',
  '      vpc: vpc-1',
  '      vServerGroups:',
  '        - { id: rsp-1, servers: [{ server: i-1, port: 80, wieght: 5 }] }',
  'events:',
  '  - { at: soon, action: StopInstance, params: { InstanceId: i-1 } }',
);

const TIMELINE = lines(
  'instances:',
  '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-2, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  'topology:',
  '  loadBalancers:',
  '    - id: lb-1',
  '      region: cn-hangzhou',
  '      vpc: vpc-1',
  '      vServerGroups:',
  '        - { id: rsp-1, servers: [{ server: i-1, port: 80, weight: 10 }, { server: i-2, port: 80, weight: 30 }] }',
  '      listeners:',
  '        - { protocol: tcp, port: 80, group: rsp-1 }',
  'timeline:',
  '  - at: 30s',
  '    action: SetVServerGroupAttribute',
  '    params: { VServerGroupId: rsp-1, BackendServers: [{ ServerId: i-2, Port: 80, Weight: 0 }] }',
  '  - at: 1m',
  '    action: SetVServerGroupAttribute',
  '    params: { VServerGroupId: rsp-1, BackendServers: [{ ServerId: i-2, Port: 80, Weight: 101 }] }',
);

describe('slbsim validate', () => {
  it('exit 0 with a one-line summary', async () => {
    const r = await runCommand(validate, ['validate', 'scenarios/seed-case.yaml']);
    expect(r).toEqual({
      code: 0,
      stdout:
        'scenarios/seed-case.yaml: valid — seed-case: 1 load balancer, 2 listeners, 2 VServer groups, 1 rule, 6 ECS instances; 15 events, 0 faults; traffic: 2 phases over 30s, 3000 requests, 3 request kinds; seed 42\n',
      stderr: '',
    });
  });

  it('exit 2 with every problem as file:line:col: CODE message', async () => {
    const file = tempFile('broken.yaml', BROKEN);
    const r = await runCommand(validate, ['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `${file}:9:59: SchemaError unknown key wieght in topology.loadBalancers[0].vServerGroups[0].servers[0] (did you mean weight?); allowed keys: server, port, weight, type, serverIp, description`,
      `${file}:11:11: BadDuration events[0].at: expected a duration such as 500ms, 30s, 2m, 1h or 1500us (a bare number means seconds), got "soon"`,
      '',
    ]);
  });

  it('reports rejected events — the timeline included — with their CLB codes', async () => {
    const file = tempFile('timeline.yaml', TIMELINE);
    const r = await runCommand(validate, ['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${file}:19:90: InvalidWeight.Malformed SetVServerGroupAttribute at 1m rejected: BackendServers[0].Weight must be between 0 and 100, got 101.\n`,
    );
  });

  it('a missing file is a user error, not a crash', async () => {
    const r = await runCommand(validate, ['validate', 'nope.yaml']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'nope.yaml:1:1: FileNotFound no such file: nope.yaml\n',
    });
  });

  it('has help with examples', async () => {
    const r = await runCommand(validate, ['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  $ slbsim validate scenarios/seed-case.yaml');
  });
});

describe('slbsim state', () => {
  it('prints the initial topology as a tree by default', async () => {
    const r = await runCommand(state, ['state', 'scenarios/seed-case.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      '# seed-case at 0s: 15 of 15 events',
      'lb-seed "seed" (cn-hangzhou, intranet, vpc vpc-seed, 10.254.0.1, shared-performance)',
      '├── default pool (2)',
      '│   ├── i-legacy1 w100',
    ]);
  });

  it('--at folds the events up to that time; --json prints the Describe shapes', async () => {
    const file = tempFile('at.yaml', TIMELINE);
    const before = await runCommand(state, ['state', file, '--json']);
    expect(before.code).toBe(0);
    // The event at 1m is rejected, but it is not folded at 45s.
    const at45 = await runCommand(state, ['state', file, '--at', '45s', '--json']);
    expect(at45.code).toBe(0);
    const weights = (out: string) =>
      JSON.parse(out).LoadBalancers[0].VServerGroups[0].BackendServers.BackendServer.map(
        (b: { ServerId: string; Weight: number }) => `${b.ServerId}:${b.Weight}`,
      );
    expect(weights(before.stdout)).toEqual(['i-1:10', 'i-2:30']);
    expect(weights(at45.stdout)).toEqual(['i-1:10', 'i-2:0']);
    expect(JSON.parse(at45.stdout).LoadBalancers[0].Listeners[0]).toMatchObject({
      ListenerProtocol: 'tcp',
      ListenerPort: 80,
      VServerGroupId: 'rsp-1',
      Status: 'running',
    });
    const tree = await runCommand(state, ['state', file, '--at', '30s']);
    expect(tree.stdout.split('\n')[0]).toBe('# at at 30s: 7 of 8 events (1 later: use --at)');
  });

  it('shows the state but exits 2 when an event is rejected', async () => {
    const file = tempFile('rejected.yaml', TIMELINE);
    const r = await runCommand(state, ['state', file, '--at', '2m']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('i-2:80 w0');
    expect(r.stderr).toBe(
      `${file}:19:90: InvalidWeight.Malformed SetVServerGroupAttribute at 1m rejected: BackendServers[0].Weight must be between 0 and 100, got 101.\n`,
    );
  });

  it('a bad --at is a user error', async () => {
    const r = await runCommand(state, ['state', 'scenarios/seed-case.yaml', '--at', 'later']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: '--at: expected a time such as 0, 500ms, 30s or 2m, got "later"\n',
    });
  });

  it('a broken scenario: its diagnostics, exit 2', async () => {
    const file = tempFile('broken2.yaml', BROKEN);
    const r = await runCommand(state, ['state', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').length).toBe(3);
  });
});

describe('slbsim schema', () => {
  it('prints the JSON Schema', async () => {
    const r = await runCommand(schema, ['schema']);
    expect(r).toEqual({ code: 0, stdout: schemaText(), stderr: '' });
  });

  it('--out writes it', async () => {
    const out = join(tempFile('x', ''), '..', 'sub', 'scenario.schema.json');
    const r = await runCommand(schema, ['schema', '--out', out]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(schemaText());
    expect(r.stderr).toBe(`wrote ${out}\n`);
  });
});
