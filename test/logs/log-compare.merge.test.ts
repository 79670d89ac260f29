/**
 * A log read in two parts and merged (`LogComparison.merge`, how `slbsim logs` reads a large log
 * on two threads) must give what one pass gives: every count, the first occurrences, the listed
 * rows with their file and line, the malformed rows, the order check — whatever the cut.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { checkAccessLog, type LogCheckOptions } from '../../src/logs/check-access-log.js';
import { replayEpochs } from '../../src/logs/epoch-replay.js';
import type { ComparisonPart } from '../../src/logs/log-compare.js';
import {
  elsewhereIndex,
  type LogModel,
  LogPart,
  type LogPieceResult,
  pieceOptions,
  pieceResult,
} from '../../src/logs/log-part.js';
import { mergePieces, piecePlan } from '../../src/logs/log-pieces.js';
import type { LogProblem } from '../../src/logs/log-reader.js';
import { TopologyVersions } from '../../src/logs/topology-versions.js';

const SCENARIO = 'scenarios/access-log-check.yaml';
const LOG = 'scenarios/logs/access-log-check.jsonl';
const tmp = mkdtempSync(join(os.tmpdir(), 'slbsim-logs-merge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The example log with rows made bad, disordered, misrouted, retried, escaped; and a second file. */
function mixedFiles(): string[] {
  const lines = readFileSync(LOG, 'utf8').trimEnd().split('\n');
  const out = lines.map((l, i) => {
    const o = JSON.parse(l) as Record<string, string>;
    switch (i % 37) {
      case 3:
        return l.slice(0, 40); // cut off
      case 5:
        o.upstream_addr = '172.16.9.9:80'; // outside
        break;
      case 7:
        o.upstream_addr = `172.16.2.22:9000, ${o.upstream_addr}`; // retried
        break;
      case 11:
        o.slb_vport = '81'; // no listener
        break;
      case 13:
        o.time = '2024-05-06T09:59:00+08:00'; // out of order
        break;
      case 17:
        o.client_ip = ''; // bad field
        break;
      case 19:
        o.upstream_addr = '-';
        o.status = '503';
        break;
      case 23:
        o.upstream_addr = '172.16.1.11:8080'; // another group
        break;
      case 29:
        return JSON.stringify(o).replace('"http_host":"', '"http_host":"\\u0061');
    }
    return JSON.stringify(o);
  });
  const a = join(tmp, 'a.jsonl');
  const b = join(tmp, 'b.jsonl');
  writeFileSync(a, `${out.slice(0, 500).join('\n')}\n`);
  writeFileSync(b, `${out.slice(500).join('\r\n')}\r\n`);
  return [a, b];
}

const scenario = loadChecked(SCENARIO, {});
const model = new TopologyVersions(scenario);
const m: LogModel = { model, epochs: replayEpochs(scenario, model), elsewhere: elsewhereIndex(model) };
const OPTS = { windowMs: 60_000, listLimit: 7 };

/** The part's state as text (Maps and typed arrays spelled out, in order). */
function text(p: ComparisonPart, problems: readonly LogProblem[], bad: number): string {
  const { ctxLabels: _, unmergeable: __, ...rest } = p;
  return JSON.stringify({ ...rest, problems, bad }, (_k, v: unknown) =>
    v instanceof Map ? [...v] : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
  );
}

describe('a log read in two parts and merged', () => {
  const files = mixedFiles();
  const one = new LogPart(m, { files, originMs: undefined, ...OPTS });
  one.reader.readAll();
  const origin = one.cmp.originMs;
  const expected = text(one.cmp.exportPart(), one.problems, one.bad);
  const sizes = files.map((f) => statSync(f).size);
  const content = files.map((f) => readFileSync(f));
  // Cuts at line starts all over both files, and at each file's start and end.
  const cuts: Array<{ file: number; offset: number }> = [];
  content.forEach((buf, file) => {
    cuts.push({ file, offset: 0 });
    for (let at = 1; at < buf.length; at += 1777) {
      const nl = buf.indexOf(10, at - 1);
      if (nl >= 0) cuts.push({ file, offset: nl + 1 });
    }
    cuts.push({ file, offset: sizes[file] });
  });

  it.each(cuts)('cut in file $file at byte $offset', (at) => {
    const first = new LogPart(m, { files, to: at, originMs: origin, ...OPTS });
    first.reader.readAll();
    const later = new LogPart(m, { files, from: at, originMs: origin, ...OPTS });
    later.reader.readAll();
    // As a worker thread hands it back: structured-cloned.
    const second = structuredClone({
      problems: later.problems,
      bad: later.bad,
      part: later.cmp.exportPart(),
    });
    const base = first.reader.linesRead;
    const line = (file: string, n: number) => (file === files[at.file] ? n + base : n);
    expect(first.cmp.merge(second.part, line)).toBeNull();
    const problems = [
      ...first.problems,
      ...second.problems.map((p) => ({ ...p, line: line(p.file, p.line) })),
    ];
    expect(text(first.cmp.exportPart(), problems.slice(0, 20), first.bad + second.bad)).toBe(expected);
  });

  it('pieces of the log (the two-thread plan), merged in order, give one pass', () => {
    const bounds = piecePlan(files, 2)!;
    expect(bounds.length).toBeGreaterThan(8);
    // A cut at each file's start is among the pieces' bounds: the line numbers of both kinds of
    // piece (starting a file, starting inside one) are fixed up.
    expect(bounds.some((b) => b.file === 1 && b.offset > 0)).toBe(true);
    const common = { files, originMs: origin, ...OPTS };
    const first = new LogPart(m, pieceOptions(common, bounds, 0));
    first.reader.readAll();
    const rest: LogPieceResult[] = [];
    for (let i = 1; i < bounds.length - 1; i++) {
      const part = new LogPart(m, pieceOptions(common, bounds, i));
      part.reader.readAll();
      rest[i] = structuredClone(pieceResult(i, part, files.length));
    }
    const merged = mergePieces(first, rest, bounds, files)!;
    expect(merged.bad).toBe(one.bad);
    expect(text(merged.cmp.exportPart(), one.problems, one.bad)).toBe(expected);
    expect(merged.problems).toEqual(one.problems.map((p) => `${p.file}:${p.line}: ${p.code} ${p.message}`));
  });

  it('checkAccessLog on two threads gives the report of one', async () => {
    const options: LogCheckOptions = {
      maxDiff: 0.02,
      alpha: 0.001,
      windowMs: 60_000,
      cluster: { nodes: 4, workers: 8 },
      list: 5,
      scenarioLabel: SCENARIO,
      skipBadRows: true,
    };
    const single = await checkAccessLog(scenario, files, { ...options, threads: 1 });
    const two = await checkAccessLog(scenario, files, { ...options, threads: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(single));
    expect(single.badRows.count).toBeGreaterThan(0);
    expect(single.summary.disagree).toBeGreaterThan(0);
  });
});
