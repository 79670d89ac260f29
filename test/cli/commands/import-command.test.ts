import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register as importCmd } from '../../../src/cli/commands/import-command.js';
import { register as state } from '../../../src/cli/commands/state-command.js';
import { register as validate } from '../../../src/cli/commands/validate-command.js';
import { runCommand } from '../../helpers/cli.js';

const ALIYUN = 'test/import/fixtures/aliyun';
const SHOW = 'test/import/fixtures/terraform/show.json';
const SUMMARY =
  '2 load balancers, 6 listeners, 5 VServer groups, 1 primary/secondary group, 3 rules, 12 ECS instances';

describe('slbsim import aliyun', () => {
  it('writes a scenario that validates clean; notices go to stderr', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'slbsim-import-cli-')), 'prod.yaml');
    const r = await runCommand(importCmd, ['import', 'aliyun', ALIYUN, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`wrote ${out}: ${SUMMARY}, 23 events`);
    expect(lines.slice(0, -1).every((l) => l.startsWith('notice: '))).toBe(true);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Imported by `slbsim import aliyun` from 22 files under /);
    expect(readFileSync(out, 'utf8')).toContain('\nname: prod\n');
    const v = await runCommand(validate, ['validate', out]);
    expect(v).toEqual({
      code: 0,
      stdout: `${out}: valid — prod: ${SUMMARY}; 35 events, 0 faults; no traffic; seed 0\n`,
      stderr: '',
    });
    const s = await runCommand(state, ['state', out, '--json']);
    expect(s.code).toBe(0);
    expect(
      JSON.parse(s.stdout).LoadBalancers.map((lb: { LoadBalancerId: string }) => lb.LoadBalancerId),
    ).toEqual(['lb-bp1b6c719dfa08exfuca5', 'lb-bp1o94dp5i6earr9g6d1l']);
  });

  it('prints the scenario on stdout without --out', async () => {
    const r = await runCommand(importCmd, ['import', 'aliyun', ALIYUN, '--name', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Imported by `slbsim import aliyun`/);
    expect(r.stdout).toContain('\nname: prod\n');
    expect(r.stderr).not.toContain('wrote');
  });

  it('exit 2 with file:line:col: CODE message, nothing written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'slbsim-import-cli-')), 'x.yaml');
    const r = await runCommand(importCmd, ['import', 'aliyun', 'nope.json', '--out', out]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'nope.json:1:1: FileNotFound no such file or directory: nope.json\n',
    });
    expect(existsSync(out)).toBe(false);
  });

  it('has help with examples', async () => {
    const top = await runCommand(importCmd, ['import', '--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Examples:\n  $ slbsim import aliyun saved/ --out prod.yaml');
    const r = await runCommand(importCmd, ['import', 'aliyun', '--help']);
    expect(r.stdout).toContain('--all-instances');
    expect(r.stdout).toContain('$ cd .. && slbsim import aliyun saved/ --out prod.yaml');
  });
});

describe('slbsim import terraform', () => {
  it('writes a scenario from `terraform show -json` that validates clean', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'slbsim-import-cli-')), 'tf.yaml');
    const r = await runCommand(importCmd, [
      'import',
      'terraform',
      SHOW,
      '--out',
      out,
      '--region',
      'cn-hangzhou',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`wrote ${out}: ${SUMMARY}, 24 events`);
    expect(r.stderr).not.toContain('derived from zone');
    const v = await runCommand(validate, ['validate', out]);
    expect(v.code).toBe(0);
  });

  it('exit 2 on a state it cannot read', async () => {
    const r = await runCommand(importCmd, ['import', 'terraform', 'scenarios/seed-case.yaml']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: "scenarios/seed-case.yaml:1:1: JsonSyntax Unexpected token '#'\n",
    });
  });

  it('has help with examples', async () => {
    const r = await runCommand(importCmd, ['import', 'terraform', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '$ terraform show -json > show.json && slbsim import terraform show.json --out prod.yaml',
    );
  });
});
