import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as compare } from '../../../src/cli/commands/compare-command.js';
import { register as report } from '../../../src/cli/commands/report-command.js';
import { JournalFileWriter } from '../../../src/journal/journal-file.js';
import { openRecordWriter } from '../../../src/record/open.js';
import { renderReport } from '../../../src/report/render/render-report.js';
import { reportFromBatches } from '../../../src/report/report-projection.js';
import { runCommand } from '../../helpers/cli.js';
import { sampleJournal } from '../../report/sample-journal.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slbsim-cli-'));
  const sinks = [
    new JournalFileWriter(file('run.jsonl')),
    openRecordWriter(file('rec.csv')),
    openRecordWriter(file('rec.jsonl')),
    openRecordWriter(file('rec.parquet')),
  ];
  for (const b of sampleJournal()) for (const s of sinks) s.onBatch(b);
  for (const s of sinks) s.onEnd?.();
  // An interrupted run: everything but RunFinished.
  const partial = new JournalFileWriter(file('cut.jsonl'));
  const batches = sampleJournal();
  const last = batches[batches.length - 1];
  last.n -= 1;
  for (const b of batches) partial.onBatch(b);
  partial.close();
  writeFileSync(file('report.json'), renderReport(reportFromBatches(sampleJournal()), 'json'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slbsim report', () => {
  it('rebuilds the run’s report byte for byte from its journal, exit 1 as its expectations fail', async () => {
    const r = await runCommand(report, ['report', file('run.jsonl'), '--format', 'json']);
    expect(r.stdout).toBe(renderReport(reportFromBatches(sampleJournal()), 'json'));
    expect(r.code).toBe(1);
    for (const f of ['table', 'md', 'html'] as const) {
      const x = await runCommand(report, ['report', file('run.jsonl'), '--format', f]);
      expect(x.stdout).toBe(renderReport(reportFromBatches(sampleJournal()), f));
    }
  });

  it('writes report files with --out', async () => {
    const r = await runCommand(report, ['report', file('run.jsonl'), '--out', file('out')]);
    expect(r.stderr).toContain('report.html');
    expect(readFileSync(file('out/report.json'), 'utf8')).toBe(readFileSync(file('report.json'), 'utf8'));
  });

  it('reports an interrupted run as partial', async () => {
    const r = await runCommand(report, ['report', file('cut.jsonl.partial'), '--format', 'json']);
    expect(JSON.parse(r.stdout).partial).toBe(true);
  });

  it('exits 2 with a clear message on a missing or malformed journal', async () => {
    const missing = await runCommand(report, ['report', file('nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: cannot read/);
    writeFileSync(file('bad.jsonl'), `${readFileSync(file('run.jsonl'), 'utf8').split('\n')[0]}\n{"type":\n`);
    const bad = await runCommand(report, ['report', file('bad.jsonl')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file('bad.jsonl')}:2:`);
    expect(bad.stderr).not.toContain('    at ');
    const records = await runCommand(report, ['report', file('rec.jsonl')]);
    expect(records.code).toBe(2);
    const badFormat = await runCommand(report, ['report', file('run.jsonl'), '--format', 'xml']);
    expect(badFormat.code).toBe(2);
  });
});

describe('slbsim compare', () => {
  it('a report, its journal and its record files agree: exit 0', async () => {
    for (const other of ['run.jsonl', 'rec.csv', 'rec.jsonl', 'rec.parquet']) {
      const r = await runCommand(compare, ['compare', file('report.json'), file(other), '--max-diff', '0']);
      expect([other, r.code, r.stderr]).toEqual([other, 0, '']);
      expect(r.stdout).toContain('Result:               pass');
    }
  });

  it('exits 1 when a share differs by more than --max-diff', async () => {
    const changed = JSON.parse(readFileSync(file('report.json'), 'utf8'));
    changed.groups[0].backends[0].count += 10; // i-a:80 in rsp-web: 40 of 50 instead of 30 of 40
    writeFileSync(file('changed.json'), JSON.stringify(changed));
    const r = await runCommand(compare, [
      'compare',
      file('report.json'),
      file('changed.json'),
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.passed).toBe(false);
    expect(out.groups.find((g: { group: string }) => g.group === 'rsp-web').backends[0]).toEqual({
      backend: 'i-a:80',
      countA: 30,
      countB: 40,
      shareA: 0.75,
      shareB: 0.8,
      diff: 0.05,
      exceeded: true,
    });
    const loose = await runCommand(compare, [
      'compare',
      file('report.json'),
      file('changed.json'),
      '--max-diff',
      '0.05',
    ]);
    expect(loose.code).toBe(0);
  });

  it('exits 2 on bad input with one clear line', async () => {
    writeFileSync(file('notreport.json'), '{"hello": 1}');
    writeFileSync(file('broken.json'), '{');
    const cases: [string[], RegExp][] = [
      [['compare', file('report.json'), file('x.txt')], /x\.txt: unknown file type "\.txt"/],
      [['compare', file('report.json'), file('missing.json')], /missing\.json: cannot read/],
      [['compare', file('report.json'), file('broken.json')], /broken\.json: not valid JSON/],
      [
        ['compare', file('report.json'), file('notreport.json')],
        /notreport\.json: not a slbsim JSON report: groups:/,
      ],
      [['compare', file('report.json'), file('missing.csv')], /missing\.csv/],
      [
        ['compare', file('report.json'), file('report.json'), '--max-diff', '2'],
        /--max-diff: expected a share between 0 and 1, got "2"/,
      ],
      [['compare', file('report.json'), file('report.json'), '--format', 'html'], /invalid/],
    ];
    for (const [args, message] of cases) {
      const r = await runCommand(compare, args);
      expect([args.slice(2).join(' '), r.code]).toEqual([args.slice(2).join(' '), 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('    at ');
    }
  });
});
