import { describe, expect, it } from 'vitest';
import { register as sweep } from '../../../src/cli/commands/sweep-command.js';
import { runCommand } from '../../helpers/cli.js';
import { lines, tempFile } from '../../scenario/helpers.js';

const FAILING = lines(
  'name: tight',
  'seed: 1',
  'instances:',
  '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-2, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  'topology:',
  '  loadBalancers:',
  '    - id: lb-1',
  '      region: cn-hangzhou',
  '      vpc: vpc-1',
  '      vServerGroups:',
  '        - { id: rsp-1, servers: [{ server: i-1, port: 80, weight: 1 }, { server: i-2, port: 80, weight: 1 }] }',
  '      listeners:',
  '        - { protocol: tcp, port: 80, group: rsp-1, scheduler: wlc }',
  'traffic:',
  '  requests: 40',
  '  phases: [{ duration: 4s, arrivalRate: 10 }]',
  '  mix: [{ listener: "lb-1:tcp:80" }]',
  'expect:',
  '  - shares: { group: rsp-1, backends: { "i-1:80": 0.9, "i-2:80": 0.1 }, tolerance: 0.01 }',
);

describe('slbsim sweep', () => {
  it('prints one table of the spread, echoing the seeds, the same with 1 or 2 workers', async () => {
    const args = ['sweep', 'scenarios/seed-case.yaml', '--seeds', '1..3,42', '--requests', '1500'];
    const one = await runCommand(sweep, [...args, '--workers', '1']);
    const two = await runCommand(sweep, [...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe('');
    expect(two.stdout).toBe(one.stdout);
    const out = one.stdout.split('\n');
    expect(out.slice(0, 6)).toEqual([
      'slbsim sweep: seed-case',
      '',
      'Scenario:     scenarios/seed-case.yaml',
      'Seeds:        1..3,42 (4 runs)',
      'Requests:     1500 per run, --requests 1500',
      'Expectations: passed in all 4 runs',
    ]);
    expect(out.filter((l) => /^lb-seed/.test(l)).map((l) => l.split(/ {2,}/).slice(0, 3))).toEqual([
      ['lb-seed:http:80 rule api → rsp-api', '1 start', 'i-api1:9000'],
      ['lb-seed:http:80 listener-vserver-group → rsp-web', '1 start', 'i-web1:8080'],
      ['lb-seed:http:81 default-pool → default@lb-seed', '1 start', 'i-legacy1:80'],
    ]);
    expect(out.some((l) => / +$/.test(l))).toBe(false);
  });

  it('writes JSON and Markdown variants', async () => {
    const json = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--seeds',
      '5,6',
      '--requests',
      '500',
      '--format',
      'json',
      '--workers',
      '1',
    ]);
    const spread = JSON.parse(json.stdout);
    expect(spread.schema).toBe('slbsim-sweep/1');
    expect(spread.seeds).toEqual(['5', '6']);
    expect(spread.epochs.map((e: { group: string }) => e.group)).toEqual([
      'rsp-api',
      'rsp-web',
      'default@lb-seed',
    ]);
    const md = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--seeds',
      '5,6',
      '--requests',
      '500',
      '--format',
      'md',
      '--workers',
      '1',
    ]);
    expect(md.stdout.split('\n').slice(0, 3)).toEqual([
      '# slbsim sweep: seed-case',
      '',
      '- **Scenario:** scenarios/seed-case.yaml',
    ]);
    expect(md.stdout).toContain('| Scope → group | Epoch | Backend |');
  });

  it('exits 1 and names the seeds whose expectations failed', async () => {
    const file = tempFile('tight.yaml', FAILING);
    const r = await runCommand(sweep, ['sweep', file, '--seeds', '1..3', '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Expectations: failed in 3 of 3 runs (seeds 1..3)');
  });

  it('rejects bad options and bad scenarios with exit 2 before running anything', async () => {
    const cases: [string[], string][] = [
      [['--seeds', '3..1'], '--seeds: "3..1" counts down; write the smaller bound first (1..3)\n'],
      [
        ['--seeds', '1', '--workers', '0'],
        '--workers: expected a whole number ≥ 1 in decimal digits (e.g. 5000), got "0"\n',
      ],
      [['--seeds', '1', '--format', 'html'], '--format: expected one of table, json, md, got "html"\n'],
    ];
    for (const [opts, stderr] of cases) {
      const r = await runCommand(sweep, ['sweep', 'scenarios/seed-case.yaml', ...opts]);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', stderr]);
    }
    const missing = await runCommand(sweep, ['sweep', 'nope.yaml', '--seeds', '1']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'nope.yaml:1:1: FileNotFound no such file: nope.yaml\n',
    ]);
    const noSeeds = await runCommand(sweep, ['sweep', 'scenarios/seed-case.yaml']);
    expect(noSeeds.code).toBe(2);
    expect(noSeeds.stderr).toContain("required option '--seeds <seeds>' not specified");
  });
});
