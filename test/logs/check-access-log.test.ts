/**
 * `checkAccessLog` on an access log produced by slbsim's own live harness (`slbsim live
 * scenarios/seed-case.yaml --amount 1000 --connections 1 --record rec.jsonl`, rewritten into SLS
 * field names by test/logs/record-to-sls.mjs): the model must agree with every row at group level,
 * and a tampered copy must be caught row by row.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { checkAccessLog, type LogCheckOptions } from '../../src/logs/check-access-log.js';
import { UserError } from '../../src/util/user-error.js';

const SCENARIO = 'scenarios/seed-case.yaml';
const JSONL = 'test/logs/fixtures/seed-case-live.jsonl';
const CSV = 'test/logs/fixtures/seed-case-live.csv';
const OPTIONS: LogCheckOptions = {
  maxDiff: 0.02,
  alpha: 0.001,
  windowMs: 60_000,
  cluster: { nodes: 4, workers: 8 },
  list: 1000,
  scenarioLabel: SCENARIO,
};
const tmp = mkdtempSync(join(os.tmpdir(), 'slbsim-logs-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The fixture with some rows rewritten; returns the file. */
function tampered(
  edits: Record<number, (row: Record<string, string>) => void>,
  name = 'tampered.jsonl',
): string {
  const lines = readFileSync(JSONL, 'utf8').split('\n');
  for (const [n, edit] of Object.entries(edits)) {
    const row = JSON.parse(lines[Number(n) - 1]) as Record<string, string>;
    edit(row);
    lines[Number(n) - 1] = JSON.stringify(row);
  }
  const file = join(tmp, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('checkAccessLog on the live harness log', () => {
  const scenario = loadChecked(SCENARIO, {});

  it('agrees with every row at group level, and the shares hold', async () => {
    const r = await checkAccessLog(scenario, [JSONL], OPTIONS);
    expect(r.rows).toBe(1000);
    expect(r.summary).toMatchObject({ agree: 1000, disagree: 0, ambiguous: 0, noUpstream: 0, retried: 0 });
    expect(r.passed).toBe(true);
    expect(r.listeners.map((l) => [l.listener, l.rows, l.agree])).toEqual([
      ['lb-seed:http:80', expect.any(Number), expect.any(Number)],
      ['lb-seed:http:81', expect.any(Number), expect.any(Number)],
    ]);
    for (const l of r.listeners) expect(l.agree).toBe(l.rows);
    const groups = r.listeners.flatMap((l) => l.groups.map((g) => g.group));
    expect(groups).toEqual(['rsp-api', 'rsp-web', 'default@lb-seed']);
    for (const l of r.listeners)
      for (const g of l.groups) {
        expect(g.total.exceeded).toBe(false);
        expect(g.total.maxAbsDeviation).toBeLessThan(0.01);
      }
  });

  it('reads the CSV export of the same rows to the same result', async () => {
    const a = await checkAccessLog(scenario, [JSONL], OPTIONS);
    const b = await checkAccessLog(scenario, [CSV], OPTIONS);
    expect({ ...b, logs: a.logs }).toEqual(a);
  });

  it('names every tampered row: another group, an unknown upstream, a request to no listener', async () => {
    const apiIp = '10.0.2.21:9000';
    const file = tampered({
      1: (r) => {
        r.upstream_addr = apiIp; // a www row served by an api backend
      },
      3: (r) => {
        r.upstream_addr = '10.9.9.9:8080'; // in no group at all
      },
      8: (r) => {
        r.slb_vport = '8080'; // no listener on :8080
      },
    });
    const r = await checkAccessLog(scenario, [file], OPTIONS);
    expect(r.passed).toBe(false);
    expect(r.summary.disagree).toBe(3);
    const rows = r.listeners.flatMap((l) =>
      l.listed.map((x) => [x.kind, x.line, x.modelGroup, x.actualGroups]),
    );
    expect(rows).toEqual([
      ['group', 1, 'rsp-web', ['rsp-api']],
      ['outside', 3, 'rsp-web', []],
      ['no-listener', 8, null, []],
    ]);
    const l80 = r.listeners.find((l) => l.listener === 'lb-seed:http:80')!;
    expect(l80.listed[0]).toMatchObject({
      file,
      host: 'www.example.com',
      path: '/',
      modelRoute: 'listener group',
      upstream: apiIp,
    });
    expect(r.listeners.find((l) => l.listener === 'lb-seed:http:8080')).toMatchObject({
      known: false,
      rows: 1,
    });
  });

  it('lists a malformed row as file:line with a count, and compares the rest only when asked', async () => {
    const lines = readFileSync(JSONL, 'utf8').split('\n');
    lines[4] = '{"time":"2024-05-06T10:00:00+08:00","slbid":"lb-seed"'; // cut off
    lines[9] = lines[9].replace('"slb_vport":"80"', '"slb_vport":"eighty"');
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(file, lines.join('\n'));
    const err = await checkAccessLog(scenario, [file], OPTIONS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).problems).toEqual([
      expect.stringMatching(new RegExp(`^${file}:5: LogSyntax not valid JSON`)),
      `${file}:10: LogField slb_vport: expected a port 1–65535, got "eighty"`,
      expect.stringMatching(/^2 malformed rows in .*; nothing was compared/),
    ]);
    const r = await checkAccessLog(scenario, [file], { ...OPTIONS, skipBadRows: true });
    expect(r.rows).toBe(998);
    expect(r.badRows.count).toBe(2);
    expect(r.summary.disagree).toBe(0);
  });

  it('routes each row on the topology of its time: a listener stopped at 45s, deleted at 55s', async () => {
    // trace-replay.yaml is the seed case with :81 stopped at 45s and deleted at 55s; the log's
    // first row is at 10:00:00+08:00, so with scenario time 0 at 09:59:10 every row is after 50s.
    const trace = loadChecked('scenarios/trace-replay.yaml', {});
    const at = (iso: string) => Date.parse(iso);
    const before = await checkAccessLog(trace, [JSONL], {
      ...OPTIONS,
      originMs: at('2024-05-06T09:59:50+08:00'),
    });
    expect(before.summary.disagree).toBe(0);
    const stopped = await checkAccessLog(trace, [JSONL], {
      ...OPTIONS,
      originMs: at('2024-05-06T09:59:10+08:00'),
    });
    const l81 = stopped.listeners.find((l) => l.listener === 'lb-seed:http:81')!;
    expect(l81.disagreements).toMatchObject({ listenerStopped: l81.rows, total: l81.rows });
    expect(l81.listed[0]).toMatchObject({
      kind: 'listener-stopped',
      modelRoute: 'listener stopped',
      modelGroup: null,
    });
    const gone = await checkAccessLog(trace, [JSONL], {
      ...OPTIONS,
      originMs: at('2024-05-06T09:58:00+08:00'),
    });
    const g81 = gone.listeners.find((l) => l.listener === 'lb-seed:http:81')!;
    expect(g81).toMatchObject({ known: true, disagreements: { noListener: g81.rows } });
    expect(g81.listed[0].modelRoute).toBe('no listener at this time');
    expect(gone.listeners.find((l) => l.listener === 'lb-seed:http:80')!.disagreements.total).toBe(0);
  });

  it('tests the causes when a window is uneven: health flapping for a backend that stopped answering', async () => {
    // From line 200 on, i-web1:8080 refuses: each of its rows is retried on the next backend,
    // i-web1:8081 and i-web2:8080 in turn (equal weights), as Tengine's next-upstream would.
    const edits: Record<number, (row: Record<string, string>) => void> = {};
    const lines = readFileSync(JSONL, 'utf8').split('\n');
    let turn = 0;
    lines.forEach((l, i) => {
      if (i >= 199 && l.includes('"upstream_addr":"10.0.1.11:8080"')) {
        const next = turn++ % 2 === 0 ? '10.0.1.11:8081' : '10.0.1.12:8080';
        edits[i + 1] = (r) => {
          r.upstream_addr = `10.0.1.11:8080, ${next}`;
          r.upstream_status = '502, 200';
        };
      }
    });
    const r = await checkAccessLog(scenario, [tampered(edits, 'flap.jsonl')], OPTIONS);
    const web = r.listeners[0].groups.find((g) => g.group === 'rsp-web')!;
    expect(web.total.flagged).toBe(true);
    expect(r.passed).toBe(false);
    expect(r.summary.retried).toBeGreaterThan(100);
    const causes = Object.fromEntries(web.total.causes.map((c) => [c.cause, c.explains]));
    expect(causes).toEqual({
      'few-requests': false,
      'stickiness-few-clients': false,
      'health-flapping': true,
      'wlc-stickiness': false,
      cluster: false,
    });
    expect(web.total.explainedBy).toBe('health-flapping');
    const b = web.total.backends.find((x) => x.backend === 'i-web1:8080')!;
    expect(b.failedAttempts).toBeGreaterThan(100);
  });
});
