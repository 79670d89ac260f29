import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { JournalFileWriter, JournalFormatError, readJournalFile } from '../../src/journal/journal-file.js';
import {
  type ControlEntry,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_CONTROL,
  ROW_ROUTED,
} from '../../src/journal/journal-rows.js';
import { fixtureBatches, INTERRUPTED_ROWS } from '../record/journal-fixture.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slbsim-journal-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The applicable content of each row (other columns of a reused batch are stale). */
function rowsOf(batches: readonly JournalBatch[]): unknown[] {
  const rows: unknown[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.n; i++) {
      const k = b.kind[i];
      if (k === ROW_CONTROL) rows.push({ k, control: b.control[i] });
      else if (k === ROW_ATTEMPT_FAILED)
        rows.push({
          k,
          t: b.t[i],
          id: b.id[i],
          scope: b.scope[i],
          backend: b.backend[i],
          node: b.node[i],
          worker: b.worker[i],
        });
      else if (k === ROW_COMPLETED)
        rows.push({
          k,
          t: b.t[i],
          id: b.id[i],
          scope: b.scope[i],
          backend: b.backend[i],
          latency: b.latency[i],
        });
      else
        rows.push({
          k,
          t: b.t[i],
          id: b.id[i],
          listener: b.listener[i],
          template: b.template[i],
          clientIp: b.clientIp[i],
          clientPort: b.clientPort[i],
          node: b.node[i],
          worker: b.worker[i],
          scope: b.scope[i],
          backend: b.backend[i],
          outcome: b.outcome[i],
          attempts: b.attempts[i],
          flags: b.flags[i],
        });
    }
  }
  return rows;
}

function write(file: string, batches: readonly JournalBatch[]): JournalFileWriter {
  const w = new JournalFileWriter(file);
  for (const b of batches) w.onBatch(b);
  w.onEnd();
  return w;
}

describe('journal file round trip', () => {
  it('given every row kind and control entry, when written and read, then the batches are identical', () => {
    const file = path.join(dir, 'run.jsonl');
    const written = fixtureBatches(4096);
    const w = write(file, written);
    expect(w.complete).toBe(true);
    expect(w.location).toBe(file);
    const read = [...readJournalFile(file)];
    expect(read).toHaveLength(1);
    expect(read[0].n).toBe(written[0].n);
    expect(read[0]).toEqual(written[0]);
  });

  it('keeps batch boundaries when the writer filled its batches', () => {
    const file = path.join(dir, 'run.jsonl');
    const written = fixtureBatches(4);
    write(file, written);
    const read = [...readJournalFile(file, 4)];
    expect(read.map((b) => b.n)).toEqual(written.map((b) => b.n));
    expect(read).toEqual(written);
    // Any capacity gives the same rows.
    expect(rowsOf([...readJournalFile(file, 3)])).toEqual(rowsOf(written));
  });

  it('writes one JSON line per row, control entries as they are', () => {
    const file = path.join(dir, 'run.jsonl');
    write(file, fixtureBatches(4096));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[1]).toBe('{"type":"ListenerDefined","t":0,"listener":0,"key":"lb-1:http:80","layer":7}');
    expect(lines).toContain(
      '{"type":"RequestRouted","t":1000,"id":1,"listener":0,"template":1,"clientIp":"10.0.0.2","clientPort":40001,' +
        '"node":1,"worker":3,"scope":1,"backend":1,"outcome":"ok","attempts":1,"flags":5}',
    );
    expect(lines).toContain(
      '{"type":"RequestCompleted","t":9500.5,"id":0,"scope":0,"backend":0,"latency":9500.5}',
    );
    expect(lines.at(-2)).toBe('{"type":"RunFinished","t":10000,"requests":10,"partial":false}');
  });

  it('property: any routed/completed rows survive the file exactly', () => {
    const routed = fc.record({
      kind: fc.constant(ROW_ROUTED),
      t: fc.integer({ min: 0, max: 2 ** 40 }),
      id: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      clientIp: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      clientPort: fc.integer({ min: 0, max: 65535 }),
      node: fc.integer({ min: 0, max: 65535 }),
      worker: fc.integer({ min: 0, max: 65535 }),
      useRefs: fc.boolean(),
      outcome: fc.integer({ min: 0, max: 4 }),
      attempts: fc.integer({ min: 0, max: 255 }),
      flags: fc.integer({ min: 0, max: 255 }),
    });
    const completed = fc.record({
      kind: fc.constant(ROW_COMPLETED),
      t: fc.double({ min: 0, max: 1e15, noNaN: true }),
      id: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      latency: fc.double({ min: 0, max: 1e12, noNaN: true }),
    });
    let run = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(routed, completed), { maxLength: 40 }), (rows) => {
        const b = new JournalBatch(64);
        b.pushControl({ type: 'ListenerDefined', t: 0, listener: 0, key: 'l', layer: 7 });
        b.pushControl({ type: 'TemplateDefined', t: 0, template: 0, host: 'h', path: '/', method: 'GET' });
        b.pushControl({ type: 'BackendDefined', t: 0, backend: 0, ServerId: 's', Port: 1 });
        for (const r of rows) {
          if (r.kind === ROW_COMPLETED)
            b.pushCompleted({ t: r.t, id: r.id, scope: -1, backend: 0, latency: r.latency });
          else {
            const ref = r.useRefs ? 0 : -1;
            b.pushRouted({
              t: r.t,
              id: r.id,
              listener: ref,
              template: ref,
              clientIp: r.clientIp,
              clientPort: r.clientPort,
              node: r.node,
              worker: r.worker,
              scope: -1,
              backend: ref,
              outcome: r.outcome,
              attempts: r.attempts,
              flags: r.flags,
            });
          }
        }
        const file = path.join(dir, `p${run++}.jsonl`);
        write(file, [b]);
        const back = [...readJournalFile(`${file}.partial`, 64)];
        expect(rowsOf(back)).toEqual(rowsOf([b]));
      }),
      { numRuns: 60 },
    );
  });
});

describe('journal file reliability', () => {
  it('an interrupted run leaves <file>.partial only, readable to the end', () => {
    const file = path.join(dir, 'run.jsonl');
    fs.writeFileSync(file, 'stale');
    const written = fixtureBatches(4096, INTERRUPTED_ROWS);
    const w = write(file, written);
    expect(w.complete).toBe(false);
    expect(w.location).toBe(`${file}.partial`);
    expect(fs.existsSync(file)).toBe(false);
    expect([...readJournalFile(`${file}.partial`)]).toEqual(written);
  });

  it('close() without RunFinished keeps .partial with whole lines; close is idempotent', () => {
    const file = path.join(dir, 'run.jsonl');
    const w = new JournalFileWriter(file);
    w.onBatch(fixtureBatches(4)[0]);
    expect(w.close()).toBe(`${file}.partial`);
    expect(w.close()).toBe(`${file}.partial`);
    const text = fs.readFileSync(`${file}.partial`, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(5);
  });

  it('writes lines bigger than its buffer whole', () => {
    const file = path.join(dir, 'big.jsonl');
    const huge: ControlEntry = {
      type: 'TopologyApplied',
      t: 1,
      action: 'SetRule',
      params: { blob: 'é'.repeat(700_000) },
      response: {},
    };
    const b = new JournalBatch(8);
    b.pushControl({ type: 'TopologyApplied', t: 0, action: 'A', params: {}, response: {} });
    b.pushControl(huge);
    b.pushControl({ type: 'RunFinished', t: 2, requests: 0, partial: false });
    write(file, [b]);
    expect([...readJournalFile(file, 8)]).toEqual([b]);
  });
});

describe('journal file errors', () => {
  const bad = (text: string) => {
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(file, text);
    return () => [...readJournalFile(file)];
  };
  const LISTENER = '{"type":"ListenerDefined","t":0,"listener":0,"key":"l","layer":7}\n';

  it.each([
    ['{"type":"RunFinished","t":1,"requests":0,"partial":false}\n{oops\n', 2, 'not valid JSON'],
    ['[1,2]\n', 1, 'expected a JSON object'],
    ['{"t":1}\n', 1, 'missing "type"'],
    ['{"type":"Bogus","t":1}\n', 1, 'unknown row type "Bogus"'],
    ['{"type":"RunFinished","requests":0,"partial":false}\n', 1, 'RunFinished: "t" missing'],
    [
      '{"type":"ListenerDefined","t":0,"listener":0,"key":"l","layer":5}\n',
      1,
      'ListenerDefined: "layer" not a layer',
    ],
    [
      `${LISTENER}{"type":"RequestRouted","t":1,"id":1,"listener":3,"template":-1,"clientIp":"1.2.3.4","clientPort":1,"node":0,"worker":0,"scope":-1,"backend":-1,"outcome":"ok","attempts":1,"flags":0}\n`,
      2,
      'RequestRouted: listener 3 is used before its definition line',
    ],
    [
      `${LISTENER}\n{"type":"RequestRouted","t":1,"id":1,"listener":0,"template":-1,"clientIp":"1.2.3","clientPort":1,"node":0,"worker":0,"scope":-1,"backend":-1,"outcome":"ok","attempts":1,"flags":0}\n`,
      3,
      '"clientIp" is not an IPv4 address: "1.2.3"',
    ],
    [
      '{"type":"RequestRouted","t":1,"id":1,"listener":-1,"template":-1,"clientIp":"1.2.3.4","clientPort":1,"node":0,"worker":0,"scope":-1,"backend":-1,"outcome":"great","attempts":1,"flags":0}\n',
      1,
      'unknown outcome "great"',
    ],
    [
      '{"type":"RequestRouted","t":1,"id":1,"listener":-1,"template":-1,"clientIp":"1.2.3.4","clientPort":70000,"node":0,"worker":0,"scope":-1,"backend":-1,"outcome":"ok","attempts":1,"flags":0}\n',
      1,
      '"clientPort" 70000 is outside 0..65535',
    ],
    [
      '{"type":"RequestCompleted","t":1,"id":1,"scope":-1,"backend":-1}',
      1,
      'RequestCompleted: "latency" missing',
    ],
  ])('names file:line (%#)', (text, line, problem) => {
    const run = bad(text);
    expect(run).toThrow(JournalFormatError);
    try {
      run();
    } catch (err) {
      const e = err as JournalFormatError;
      expect(e.line).toBe(line);
      expect(e.message.startsWith(`${path.join(dir, 'bad.jsonl')}:${line}: `)).toBe(true);
      expect(e.message).toContain(problem);
    }
  });

  it('accepts CRLF, blank lines and a last line without newline', () => {
    const run = bad(
      `\r\n${LISTENER.replace('\n', '\r\n')}\n{"type":"RunFinished","t":1,"requests":0,"partial":false}`,
    );
    const rows = rowsOf(run());
    expect(rows).toHaveLength(2);
  });

  it('a missing file is a JournalFormatError without a line', () => {
    const file = path.join(dir, 'nope.jsonl');
    expect(() => [...readJournalFile(file)]).toThrow(JournalFormatError);
    expect(() => [...readJournalFile(file)]).toThrow(`${file}: cannot read`);
  });

  it('reads a file larger than its chunk with multi-byte characters across chunk edges', () => {
    const file = path.join(dir, 'long.jsonl');
    const b = new JournalBatch(4096);
    const entries: ControlEntry[] = [];
    for (let i = 0; i < 4000; i++) {
      const e: ControlEntry = {
        type: 'TopologyRejected',
        t: i,
        action: 'X',
        code: 'C',
        message: `é€😀${'x'.repeat(i % 500)}`,
      };
      entries.push(e);
      b.pushControl(e);
    }
    b.pushControl({ type: 'RunFinished', t: 4000, requests: 0, partial: false });
    write(file, [b]);
    expect(fs.statSync(file).size).toBeGreaterThan(1 << 20);
    expect([...readJournalFile(file)]).toEqual([b]);
  });
});
