import { readFileSync } from 'node:fs';
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
    expect([noSeeds.code, noSeeds.stdout, noSeeds.stderr]).toEqual([
      2,
      '',
      'sweep: give --seeds (e.g. 1..50), --vary <variants file>, or both (each variant over every seed)\n',
    ]);
  });
});

const VARIANTS = 'scenarios/variants/seed-case-weights.yaml';

describe('slbsim sweep --vary', () => {
  it("runs the baseline and each variant with the scenario's seed: a comparison, then each spread", async () => {
    const r = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--vary',
      VARIANTS,
      '--workers',
      '1',
    ]);
    // Two variants fail the scenario's expectations (their weights give other shares).
    expect([r.code, r.stderr]).toEqual([1, '']);
    const out = r.stdout.split('\n');
    expect(out.slice(0, 8)).toEqual([
      'slbsim sweep: seed-case, 3 variants',
      '',
      'Scenario:     scenarios/seed-case.yaml',
      'Variants:     scenarios/variants/seed-case-weights.yaml: 3 variants, and the scenario as is (the baseline)',
      "Seeds:        42, the scenario's seed (4 runs: 1 per variant)",
      'Requests:     3000 per run',
      'Expectations: failed in 2 of 4 runs ("rebalance web, drain api2", "api2 drained at 20s")',
      'slbsim:       0.1.0',
    ]);
    const compared = out.slice(out.indexOf('Variants compared') + 3, out.indexOf('Variants compared') + 7);
    expect(compared.map((l) => l.split(/ {2,}/))).toEqual([
      [
        'as is',
        '(none: the baseline)',
        '0',
        '1',
        'passed in 1 run',
        '0.0006',
        '42',
        'lb-seed:http:81 default-pool → default@lb-seed, epoch 1 start',
      ],
      [
        'rebalance web, drain api2',
        'scenarios/changes/seed-case-weights.yaml',
        '2',
        '1',
        'failed in 1 of 1 run',
        '0.0006',
        '42',
        'lb-seed:http:81 default-pool → default@lb-seed, epoch 1 start',
      ],
      [
        'web weights / 10',
        'scenarios/variants/seed-case-weights.yaml:10:5',
        '1',
        '1',
        'passed in 1 run',
        '0.0006',
        '42',
        'lb-seed:http:81 default-pool → default@lb-seed, epoch 1 start',
      ],
      [
        'api2 drained at 20s',
        'scenarios/variants/seed-case-weights.yaml:20:5',
        '1',
        '1',
        'failed in 1 of 1 run',
        '0.0007',
        '42',
        'lb-seed:http:80 rule api → rsp-api, epoch 1 start',
      ],
    ]);
    const max = out.indexOf('Max share per backend over every epoch and run (expected)');
    expect(out[max + 1].split(/ {2,}/)).toEqual([
      'Scope → group',
      'Backend',
      'as is',
      'rebalance web, drain api2',
      'web weights / 10',
      'api2 drained at 20s',
    ]);
    expect(out.slice(max + 3, max + 5).map((l) => l.split(/ {2,}/))).toEqual([
      [
        'lb-seed:http:80 rule api → rsp-api',
        'i-api1:9000',
        '59.98% (60.00%)',
        '100.00% (100.00%)',
        '59.98% (60.00%)',
        '100.00% (60.00%–100.00%)',
      ],
      ['', 'i-api2:9000', '40.02% (40.00%)', '–', '40.02% (40.00%)', '39.93% (0.00%–40.00%)'],
    ]);
    expect(out.filter((l) => /^(Baseline|Variant \d)/.test(l))).toEqual([
      'Baseline: as is',
      'Variant 1: rebalance web, drain api2',
      'Variant 2: web weights / 10',
      'Variant 3: api2 drained at 20s',
    ]);
    expect(out.filter((l) => l === 'Share per backend over the runs')).toHaveLength(4);
    expect(out.some((l) => / +$/.test(l))).toBe(false);
  });

  it('runs the cross product of variants and seeds, the same bytes with 1 or 2 workers, in every format', async () => {
    const args = [
      'sweep',
      'scenarios/seed-case.yaml',
      '--vary',
      VARIANTS,
      '--seeds',
      '1..3',
      '--requests',
      '800',
    ];
    for (const format of ['table', 'json', 'md']) {
      const one = await runCommand(sweep, [...args, '--format', format, '--workers', '1']);
      const two = await runCommand(sweep, [...args, '--format', format, '--workers', '2']);
      expect(one.code).toBe(1);
      expect(two.stdout).toBe(one.stdout);
    }
    const json = JSON.parse(
      (await runCommand(sweep, [...args, '--format', 'json', '--workers', '2'])).stdout,
    );
    expect([json.schema, json.runs, json.seeds, json.seedsFrom, json.variantsFile]).toEqual([
      'slbsim-sweep-variants/1',
      12,
      ['1', '2', '3'],
      'option',
      VARIANTS,
    ]);
    expect(
      json.variants.map((v: { name: string; spread: { seeds: string[] } }) => [v.name, v.spread.seeds]),
    ).toEqual([
      ['as is', ['1', '2', '3']],
      ['rebalance web, drain api2', ['1', '2', '3']],
      ['web weights / 10', ['1', '2', '3']],
      ['api2 drained at 20s', ['1', '2', '3']],
    ]);
    const md = await runCommand(sweep, [...args, '--format', 'md', '--workers', '1']);
    expect(md.stdout.split('\n').slice(0, 3)).toEqual([
      '# slbsim sweep: seed-case, 3 variants',
      '',
      '- **Scenario:** scenarios/seed-case.yaml',
    ]);
    expect(md.stdout).toContain('## Variants compared');
    expect(md.stdout).toContain('### Share per backend over the runs');
  });

  it('exits 0 when every run of every variant passes', async () => {
    // An absolute path is taken as it is.
    const rule = tempFile(
      'rule-variants.yaml',
      lines(
        `- { name: api v1 rule, change: ${JSON.stringify(`${process.cwd()}/scenarios/changes/seed-case-api-v1.yaml`)} }`,
      ),
    );
    const ok = tempFile(
      'ratios.yaml',
      lines(
        '- name: web / 10',
        '  events:',
        '    - action: SetVServerGroupAttribute',
        '      params:',
        '        VServerGroupId: rsp-web',
        '        BackendServers: [{ ServerId: i-web1, Port: 8080, Weight: 10 }, { ServerId: i-web1, Port: 8081, Weight: 5 }, { ServerId: i-web2, Port: 8080, Weight: 5 }]',
      ),
    );
    const r = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--vary',
      ok,
      '--seeds',
      '1,2',
      '--workers',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Expectations: passed in all 4 runs');
    // A new rule takes the api requests from the rule `api`: its rule-share expectation fails.
    const failing = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--vary',
      rule,
      '--workers',
      '1',
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('Expectations: failed in 1 of 2 runs ("api v1 rule")');
  });

  it('refuses a bad variants file, or a variant CLB would reject, with exit 2 and nothing run', async () => {
    const bad = tempFile(
      'bad-variants.yaml',
      lines(
        '- name: heavy',
        '  events:',
        '    - action: SetVServerGroupAttribute',
        '      params: { VServerGroupId: rsp-api, BackendServers: [{ ServerId: i-api1, Port: 9000, Weight: 1000 }] }',
        '- name: gone',
        '  events:',
        '    - { at: 5s, action: DeleteVServerGroup, params: { VServerGroupId: rsp-nope } }',
      ),
    );
    const rejected = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--vary',
      bad,
      '--seeds',
      '1..3',
    ]);
    expect([rejected.code, rejected.stdout]).toEqual([2, '']);
    expect(rejected.stderr.split('\n')).toEqual([
      `${bad}:4:99: InvalidWeight.Malformed SetVServerGroupAttribute rejected: BackendServers[0].Weight must be between 0 and 100, got 1000.`,
      `${bad}:7:71: InvalidParameter DeleteVServerGroup at 5s rejected: The specified VServerGroupId rsp-nope does not exist.`,
      '',
    ]);
    const schema = tempFile(
      'schema-variants.yaml',
      lines('variants:', '  - { name: x, events: [], change: a.yaml }', '  - 7'),
    );
    const r = await runCommand(sweep, ['sweep', 'scenarios/seed-case.yaml', '--vary', schema]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')).toEqual([
      `${schema}:2:24: SchemaError variants[0] has both change: and events:; give one — change: <path> to a change file, or events: [...] inline`,
      `${schema}:3:5: SchemaError variants[1]: expected a change file path, {name?, description?, change: <path>}, or {name?, description?, events: [...]}, got 7`,
      '',
    ]);
    const missing = await runCommand(sweep, ['sweep', 'scenarios/seed-case.yaml', '--vary', 'nope.yaml']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'nope.yaml:1:1: FileNotFound no such file: nope.yaml\n',
    ]);
    const ref = tempFile('ref-variants.yaml', lines('- changes/none.yaml'));
    const noRef = await runCommand(sweep, ['sweep', 'scenarios/seed-case.yaml', '--vary', ref]);
    expect([noRef.code, noRef.stderr]).toEqual([
      2,
      `${ref}:1:3: FileNotFound no such file: ${ref.replace(/ref-variants\.yaml$/, 'changes/none.yaml')} (the change of this variant)\n`,
    ]);
  });

  it('prints what the README tour shows', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const command = `$ npx slbsim sweep scenarios/seed-case.yaml --vary ${VARIANTS} --seeds 1..20 | head -29\n`;
    const at = readme.indexOf(command);
    expect(at).toBeGreaterThan(0);
    const shown = readme.slice(at + command.length, readme.indexOf('```', at));
    const r = await runCommand(sweep, [
      'sweep',
      'scenarios/seed-case.yaml',
      '--vary',
      VARIANTS,
      '--seeds',
      '1..20',
      '--workers',
      '2',
    ]);
    expect(r.code).toBe(1);
    expect(`${r.stdout.split('\n').slice(0, 29).join('\n')}\n`).toBe(shown);
  });
});
