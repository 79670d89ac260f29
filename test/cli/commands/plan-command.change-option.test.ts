import { describe, expect, it } from 'vitest';
import { register as route } from '../../../src/cli/commands/route-command.js';
import { register as state } from '../../../src/cli/commands/state-command.js';
import { lines, runCommand, tempFile } from '../../scenario/helpers.js';

const SEED = 'scenarios/seed-case.yaml';

describe('--change on state and route', () => {
  it('state --change shows the topology with the change applied', async () => {
    const r = await runCommand(state, [
      'state',
      SEED,
      '--change',
      'scenarios/changes/seed-case-weights.yaml',
    ]);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('# seed-case with scenarios/changes/seed-case-weights.yaml at 0s: 17 of 17 events');
    expect(out.slice(5, 11)).toEqual([
      '├── vserver group rsp-web "web" (3)',
      '│   ├── i-web1:8080 w100',
      '│   ├── i-web1:8081 w50',
      '│   └── i-web2:8080 w100',
      '├── vserver group rsp-api "api" (1)',
      '│   └── i-api1:9000 w60',
    ]);
  });

  it('state --at before a change at 10s does not show it yet', async () => {
    const args = ['state', SEED, '--change', 'scenarios/changes/seed-case-api-v1.yaml', '--json'];
    const rules = async (at: string) =>
      JSON.parse(
        (await runCommand(state, [...args, '--at', at])).stdout,
      ).LoadBalancers[0].Listeners[0].Rules.Rule.map((r: { RuleName: string }) => r.RuleName);
    expect(await rules('9s')).toEqual(['api']);
    expect(await rules('10s')).toEqual(['api', 'api-v1']);
  });

  it('route --change explains a request after the change', async () => {
    const args = [
      'route',
      SEED,
      '--listener',
      'lb-seed:http:80',
      '--host',
      'api.example.com',
      '--path',
      '/v1/items',
    ];
    const change = ['--change', 'scenarios/changes/seed-case-api-v1.yaml', '--json'];
    const before = JSON.parse((await runCommand(route, [...args, '--at', '10s', '--json'])).stdout);
    const after = JSON.parse((await runCommand(route, [...args, '--at', '10s', ...change])).stdout);
    expect([before.rule.RuleName, before.VServerGroupId]).toEqual(['api', 'rsp-api']);
    expect([after.rule.RuleName, after.VServerGroupId, after.backend]).toEqual([
      'api-v1',
      'rsp-web',
      { ServerId: 'i-web1', Port: 8080 },
    ]);
  });

  it('refuses a rejected change on both (exit 2, nothing shown)', async () => {
    const change = tempFile(
      'rejected-change.yaml',
      lines('- action: DeleteVServerGroup', '  params: { VServerGroupId: rsp-gone }'),
    );
    const line = `${change}:2:29: InvalidParameter DeleteVServerGroup rejected: The specified VServerGroupId rsp-gone does not exist.\n`;
    const s = await runCommand(state, ['state', SEED, '--change', change]);
    expect([s.code, s.stdout, s.stderr]).toEqual([2, '', line]);
    const r = await runCommand(route, ['route', SEED, '--listener', 'lb-seed:http:80', '--change', change]);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', line]);
  });
});
