import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { register as plan } from '../../../src/cli/commands/plan-command.js';
import { lines, runCommand, tempFile } from '../../scenario/helpers.js';

const SEED = 'scenarios/seed-case.yaml';
const WEIGHTS = 'scenarios/changes/seed-case-weights.yaml';
const CACHE = [
  'scenarios/tcp-consistent-hash.yaml',
  '--change',
  'scenarios/changes/tcp-consistent-hash-remove.yaml',
];

describe('slbsim plan', () => {
  it('prints the plan and exits 1 when an expectation fails after the change', async () => {
    const r = await runCommand(plan, ['plan', SEED, '--change', WEIGHTS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out.slice(0, 11)).toEqual([
      'slbsim plan: seed-case + rebalance web, drain api2',
      '',
      'Scenario: scenarios/seed-case.yaml',
      'Change:   scenarios/changes/seed-case-weights.yaml — i-web2:8080 weight 50 → 100; i-api2:9000 removed from rsp-api',
      'Seed:     42',
      'RNG:      alea (seedrandom 3.0.5)',
      'slbsim:   0.1.0',
      'Compared: 3000 requests from 0s to 29.99s (of 3000 in the run)',
      'Moved:    1348 (44.93%)',
      'Outcomes: unchanged (ok 3000)',
      'Result:   FAIL: 5 of 7 expectation check(s) fail after the change',
    ]);
    expect(out).toContain(
      'i-api2:9000     351      0        40.02%        0.00%  -40.02pp        351         0',
    );
  });

  it('gates on --max-moved, and prints the same JSON for the same seed', async () => {
    const pass = await runCommand(plan, ['plan', ...CACHE, '--max-moved', '0.3', '--format', 'json']);
    expect(pass.code).toBe(0);
    const p = JSON.parse(pass.stdout);
    expect([p.schema, p.seed, p.moved, p.maxMoved, p.passed]).toEqual([
      'slbsim-plan/1',
      'ch-1',
      { count: 1022, fraction: 0.256913 },
      0.3,
      true,
    ]);
    const again = await runCommand(plan, ['plan', ...CACHE, '--max-moved', '0.3', '--format', 'json']);
    expect(again.stdout).toBe(pass.stdout);
    const fail = await runCommand(plan, ['plan', ...CACHE, '--max-moved', '0.2']);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain(
      'Result:   FAIL: 1022 of 3978 requests move (0.256913), more than --max-moved 0.2',
    );
  });

  it('takes --seed, --requests and --format md', async () => {
    const r = await runCommand(plan, [
      'plan',
      ...CACHE,
      '--seed',
      '9',
      '--requests',
      '9000',
      '--format',
      'md',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 9)).toEqual([
      '# slbsim plan: tcp-consistent-hash + scenarios/changes/tcp-consistent-hash-remove.yaml',
      '',
      '- **Scenario:** scenarios/tcp-consistent-hash.yaml',
      '- **Change:** scenarios/changes/tcp-consistent-hash-remove.yaml',
      '- **Seed:** 9',
      '- **RNG:** alea (seedrandom 3.0.5)',
      '- **slbsim:** 0.1.0',
      '- **Compared:** 942 requests from 40s to 44.824s (of 9000 in the run)',
      '- **Moved:** 242 (25.69%)',
    ]);
    const early = await runCommand(plan, ['plan', ...CACHE, '--requests', '2000']);
    expect(early.stdout).toContain(
      'Compared: none: the last request arrives at 10.005s, before the change (40s)',
    );
  });

  it('refuses a change CLB would refuse: every rejection, nothing applied, exit 2', async () => {
    const change = tempFile(
      'rejected.yaml',
      lines(
        '- action: SetVServerGroupAttribute',
        '  params:',
        '    VServerGroupId: rsp-web',
        '    BackendServers: [{ ServerId: i-web9, Port: 8080, Weight: 100 }]',
        '- at: 5s',
        '  action: RemoveVServerGroupBackendServers',
        '  params: { VServerGroupId: rsp-nope, BackendServers: [{ ServerId: i-api2, Port: 9000 }] }',
      ),
    );
    const r = await runCommand(plan, ['plan', SEED, '--change', change]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      lines(
        `${change}:4:34: BackendServer.NotFound SetVServerGroupAttribute rejected: BackendServers[0]: i-web9:8080 is not in VServer group rsp-web.`,
        `${change}:7:29: InvalidParameter RemoveVServerGroupBackendServers at 5s rejected: The specified VServerGroupId rsp-nope does not exist.`,
      ),
    );
  });

  it('reports bad input with exit 2', async () => {
    const bad = tempFile('bad.yaml', '- { action: SetVServerGroupAtribute }\n');
    const cases: [string[], string][] = [
      [
        ['plan', SEED, '--change', bad],
        `${bad}:1:13: SchemaError [0].action: unknown value "SetVServerGroupAtribute" (did you mean SetVServerGroupAttribute?)\n`,
      ],
      [
        ['plan', SEED, '--change', 'no-such.yaml'],
        'no-such.yaml:1:1: FileNotFound no such file: no-such.yaml\n',
      ],
      [
        ['plan', SEED, '--change', WEIGHTS, '--format', 'html'],
        '--format: expected one of table, json, md, got "html"\n',
      ],
      [
        ['plan', SEED, '--change', WEIGHTS, '--max-moved', '1.5'],
        '--max-moved: expected a fraction from 0 to 1 such as 0.1, got "1.5"\n',
      ],
      [
        ['plan', SEED, '--change', WEIGHTS, '--requests', '0'],
        '--requests: expected a whole number ≥ 1 in decimal digits (e.g. 5000), got "0"\n',
      ],
      [
        ['plan', 'no-such-scenario.yaml', '--change', WEIGHTS],
        'no-such-scenario.yaml:1:1: FileNotFound no such file: no-such-scenario.yaml\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCommand(plan, args);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', stderr]);
    }
    const missing = await runCommand(plan, ['plan', SEED]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--change <file>' not specified");
  });

  it('has --help with examples', async () => {
    const r = await runCommand(plan, ['plan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: slbsim plan [options] <scenario>');
    expect(r.stdout).toContain(
      '$ slbsim plan scenarios/seed-case.yaml --change scenarios/changes/seed-case-weights.yaml',
    );
  });
  it('prints what the README tour shows', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const command =
      '$ npx slbsim plan scenarios/tcp-consistent-hash.yaml --change scenarios/changes/tcp-consistent-hash-remove.yaml --max-moved 0.3\n';
    const at = readme.indexOf(command);
    expect(at).toBeGreaterThan(0);
    const shown = readme.slice(at + command.length, readme.indexOf('```', at));
    const r = await runCommand(plan, ['plan', ...CACHE, '--max-moved', '0.3']);
    expect(r.stdout).toBe(shown);
  });
});
