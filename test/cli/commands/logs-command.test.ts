/** `slbsim logs` end to end, in-process: help, exit codes 0/1/2, the rows it names, the formats. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/logs-command.js';
import { runCommand } from '../../helpers/cli.js';

const SCENARIO = 'scenarios/seed-case.yaml';
const LOG = 'test/logs/fixtures/seed-case-live.jsonl';
const tmp = mkdtempSync(join(os.tmpdir(), 'slbsim-logs-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const logs = (...args: string[]) => runCommand(register, ['logs', ...args, '--quiet']);

describe('slbsim logs', () => {
  it('has examples in --help', async () => {
    const r = await runCommand(register, ['logs', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(
      'slbsim logs scenarios/access-log-check.yaml scenarios/logs/access-log-check.jsonl',
    );
  });

  it('exits 0 on the live harness log and says so', async () => {
    const r = await logs(SCENARIO, LOG);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Group agreement:      1000 of 1000 rows (100.00%)');
    expect(r.stdout).toMatch(/Result: +pass/);
  });

  it('exits 1 on a tampered copy and names the rows', async () => {
    const lines = readFileSync(LOG, 'utf8').split('\n');
    lines[0] = lines[0].replace('"upstream_addr":"10.0.1.11:8080"', '"upstream_addr":"10.0.2.22:9000"');
    lines[2] = lines[2].replace(/"upstream_addr":"[^"]+"/, '"upstream_addr":"10.9.9.9:80"');
    const file = join(tmp, 'tampered.jsonl');
    writeFileSync(file, lines.join('\n'));
    const r = await logs(SCENARIO, file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:1 `);
    expect(r.stdout).toContain(`${file}:3 `);
    expect(r.stdout).toContain('listener group → rsp-web');
    expect(r.stdout).toContain('rsp-api');
    expect(r.stdout).toContain('none (unknown IP:port)');
    const json = JSON.parse((await logs(SCENARIO, file, '--format', 'json')).stdout);
    expect(json.passed).toBe(false);
    expect(json.summary.disagree).toBe(2);
    expect(json.listeners[0].listed.map((x: { line: number }) => x.line)).toEqual([1, 3]);
  });

  it('gives the same report with --threads 1 and --threads 2, and refuses another count', async () => {
    const one = await logs(SCENARIO, LOG, '--threads', '1', '--format', 'json');
    const two = await logs(SCENARIO, LOG, '--threads', '2', '--format', 'json');
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const bad = await logs(SCENARIO, LOG, '--threads', '3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--threads <n>' argument '3' is invalid");
  });

  it('exits 2 on a malformed row, naming file and line, and on bad options', async () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(file, `${readFileSync(LOG, 'utf8').split('\n').slice(0, 3).join('\n')}\nnot json\n`);
    const r = await logs(SCENARIO, file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      `${file}:4: LogSyntax not a JSON object (each line of a JSON log is one {…})`,
    );
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const skipped = await logs(SCENARIO, file, '--skip-bad-rows');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('(+1 malformed, skipped)');
    expect((await logs(SCENARIO, LOG, '--max-diff', '2')).stderr).toContain('--max-diff: expected a share');
    expect((await logs(SCENARIO, LOG, '--window', 'soon')).code).toBe(2);
    expect((await logs(SCENARIO, LOG, '--cluster', '4by8')).stderr).toContain('--cluster: expected');
    expect((await logs(SCENARIO, LOG, '--start', 'yesterday')).stderr).toContain('--start: expected');
    const missing = await logs(SCENARIO, join(tmp, 'nope.jsonl'));
    expect(missing).toMatchObject({ code: 2, stderr: `${join(tmp, 'nope.jsonl')}: no such file\n` });
  });

  it('on the example, names stickiness with few clients as the cause of the uneven API group', async () => {
    const r = await logs(
      'scenarios/access-log-check.yaml',
      'scenarios/logs/access-log-check.jsonl',
      '--format',
      'json',
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toMatchObject({ agree: 800, disagree: 0, flaggedGroups: 1, flaggedWindows: 1 });
    const groups = json.listeners[0].groups;
    expect(
      groups.map((g: { group: string; total: { flagged: boolean } }) => [g.group, g.total.flagged]),
    ).toEqual([
      ['rsp-api', true],
      ['rsp-img', false],
      ['rsp-web', false],
    ]);
    expect(groups[0].total.explainedBy).toBe('stickiness-few-clients');
    const csv = await logs(
      'scenarios/access-log-check.yaml',
      'scenarios/logs/access-log-check.csv',
      '--window',
      '0',
    );
    expect(csv.code).toBe(1);
    expect(csv.stdout).toContain('Windows:              none (whole log only)');
    expect(csv.stdout).toContain(
      'explains — stickiness-few-clients: sticky (insert) with 4 distinct clients',
    );
  });

  it('renders Markdown and a self-contained HTML page', async () => {
    const md = await logs(SCENARIO, LOG, '--format', 'md');
    expect(md.stdout).toMatch(/^# slbsim logs: seed-case/);
    expect(md.stdout).toContain('| i-api1:9000 |');
    const html = await logs(SCENARIO, LOG, '--format', 'html');
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toContain('<svg');
    expect(html.stdout).not.toMatch(/<script|https?:\/\//);
  });
});
