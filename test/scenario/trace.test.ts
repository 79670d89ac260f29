import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceSpec } from '../../src/scenario/scenario-model.js';
import {
  checkTrace,
  plainDecimal,
  readTrace,
  TraceError,
  traceDisplayPath,
  traceFormatOf,
} from '../../src/scenario/trace.js';
import { ipToNumber } from '../../src/util/ip.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-trace-'));
let n = 0;
function spec(text: string, format: 'ndjson' | 'csv'): TraceSpec {
  const file = join(dir, `t${n++}.${format === 'csv' ? 'csv' : 'ndjson'}`);
  writeFileSync(file, text);
  return { file, format, pos: { file: 'x.yaml', line: 1, col: 1 } };
}
const shown = (s: TraceSpec) => traceDisplayPath(s.file);
/** 1-based column of `needle` in `line`. */
const colOf = (line: string, needle: string) => line.indexOf(needle) + 1;

describe('readTrace', () => {
  it('reads NDJSON rows: t in ms (number) or as a duration, defaults for host/path/method', () => {
    const s = spec(
      [
        '{"t": 0, "listener": "lb-1:http:80", "host": "api.example.com", "path": "/v1?x=1", "clientIp": "10.0.0.1", "clientPort": 40000}',
        '',
        '{"t": 1.5, "listener": "lb-1:tcp:443", "clientIp": "10.0.0.2", "clientPort": 40001, "method": "POST"}',
        '{"t": "2s", "listener": "lb-1:http:80", "clientIp": "10.0.0.3", "clientPort": 1}',
      ].join('\r\n'),
      'ndjson',
    );
    const rows = [...readTrace(s)];
    expect(rows).toEqual([
      {
        t: 0,
        listener: 'lb-1:http:80',
        host: 'api.example.com',
        path: '/v1?x=1',
        method: 'GET',
        clientIp: ipToNumber('10.0.0.1'),
        clientPort: 40000,
        line: 1,
      },
      {
        t: 1500,
        listener: 'lb-1:tcp:443',
        host: '',
        path: '/',
        method: 'POST',
        clientIp: ipToNumber('10.0.0.2'),
        clientPort: 40001,
        line: 3,
      },
      {
        t: 2_000_000,
        listener: 'lb-1:http:80',
        host: '',
        path: '/',
        method: 'GET',
        clientIp: ipToNumber('10.0.0.3'),
        clientPort: 1,
        line: 4,
      },
    ]);
  });

  it('reads CSV with a header in any column order and quoted fields', () => {
    const s = spec(
      'clientPort,clientIp,t,listener,path,host\n40000,10.0.0.1,250,lb-1:http:80,"/a,b",api.example.com\n40001,10.0.0.2,1s,lb-1:http:80,,\n',
      'csv',
    );
    const rows = [...readTrace(s)];
    expect(rows.map((r) => [r.t, r.path, r.host, r.clientPort, r.line])).toEqual([
      [250_000, '/a,b', 'api.example.com', 40000, 2],
      [1_000_000, '/', '', 40001, 3],
    ]);
  });

  it('streams a file larger than one read chunk with bounded state', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++)
      lines.push(
        `{"t": ${i}, "listener": "lb-1:http:80", "path": "/p${i}", "clientIp": "10.0.0.1", "clientPort": ${1 + (i % 60000)}}`,
      );
    const rows = [...readTrace(spec(lines.join('\n'), 'ndjson'))];
    expect(rows.length).toBe(5000);
    expect(rows[4999]).toMatchObject({ t: 4_999_000, path: '/p4999', line: 5000 });
  });

  it('throws a TraceError at the first bad row, with file:line:col', () => {
    const s = spec(
      '{"t": 0, "listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 70000}\n',
      'ndjson',
    );
    expect(() => [...readTrace(s)]).toThrow(TraceError);
    try {
      [...readTrace(s)];
    } catch (err) {
      expect((err as TraceError).problems).toEqual([
        `${shown(s)}:1:${colOf('{"t": 0, "listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 70000}', '"clientPort"')}: TraceRow clientPort: expected an integer 1–65535, got 70000`,
      ]);
    }
  });
});

describe('checkTrace', () => {
  it('checks every row’s listener and method, the ones that repeat the row before’s and the ones that differ', () => {
    const lines = [
      't,listener,host,path,method,clientIp,clientPort',
      '1,lb-1:http:80,a,/,GET,10.0.0.1,1',
      '2,lb-1:http:80,a,/,get,10.0.0.1,1',
      '3,lb-1:http:80,a,/,GET,10.0.0.1,1',
      '4,lb-1:ftp:80,a,/,GET,10.0.0.1,1',
      '5,lb-1:http:80,a,/,POST,10.0.0.1,1',
      '6,lb-1:http:80,a,/,POST,10.0.0.1,1',
    ];
    const s = spec(lines.join('\n'), 'csv');
    expect(checkTrace(s).map((d) => `${d.line}: ${d.message}`)).toEqual([
      '3: method: expected an HTTP method in capitals, got "get"',
      '5: listener: expected <LoadBalancerId>:<http|https|tcp|udp>:<port>, got "lb-1:ftp:80"',
    ]);
  });

  it('reports every bad row: syntax, fields, unknown keys and time order', () => {
    const lines = [
      '{"t": 5, "listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 1}',
      '{"t": 4, "listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 1}',
      '{"t": 6, "listener": "lb-1:ftp:80", "clientIp": "10.0.0.1", "clientPort": 1}',
      '{"t": 7, "listener": "lb-1:http:80", "clientIp": "10.0.0.300", "clientPort": 1}',
      '{"t": 8, "listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 1, "hots": "x"}',
      '{"t": 9, "listener": "lb-1:http:80",',
      '{"t": "soon", "listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 1}',
      '{"listener": "lb-1:http:80", "clientIp": "10.0.0.1", "clientPort": 1}',
    ];
    const s = spec(lines.join('\n'), 'ndjson');
    const f = shown(s);
    expect(checkTrace(s).map((d) => `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`)).toEqual([
      `${f}:2:2: TraceOrder rows must be in non-decreasing time: t is 4ms after a row at 5ms`,
      `${f}:3:10: TraceRow listener: expected <LoadBalancerId>:<http|https|tcp|udp>:<port>, got "lb-1:ftp:80"`,
      `${f}:4:${colOf(lines[3], '"clientIp"')}: TraceRow clientIp: expected an IPv4 address, got "10.0.0.300"`,
      `${f}:5:${colOf(lines[4], '"hots"')}: TraceRow unknown field "hots"; fields are t, listener, host, path, method, clientIp, clientPort`,
      `${f}:6:${lines[5].length + 1}: TraceSyntax not a JSON object: Expected double-quoted property name`,
      `${f}:7:2: TraceRow t: expected milliseconds (a number) or a duration such as 1.5s, got "soon"`,
      `${f}:8:1: TraceRow missing t (rows need t, listener, clientIp, clientPort)`,
    ]);
  });

  it('checks the CSV header and field counts', () => {
    const bad = spec('t,listener,clientIp,port\n', 'csv');
    expect(checkTrace(bad).map((d) => [d.line, d.col, d.code, d.message])).toEqual([
      [
        1,
        21,
        'TraceSyntax',
        'unknown column "port"; columns are t, listener, host, path, method, clientIp, clientPort',
      ],
    ]);
    const short = spec('t,listener,clientIp,clientPort\n1,lb-1:http:80,10.0.0.1\n', 'csv');
    expect(checkTrace(short).map((d) => [d.line, d.code, d.message])).toEqual([
      [2, 'TraceSyntax', 'expected 4 fields as in the header, got 3'],
    ]);
    expect(checkTrace(spec('', 'csv')).map((d) => d.code)).toEqual(['TraceSyntax']);
  });

  it('reads CSV through the one RFC 4180 reader: a quoted field may span lines; a bad record is reported and skipped', () => {
    const s = spec(
      't,listener,clientIp,clientPort,host\n' +
        '1,lb-1:http:80,10.0.0.1,1,"multi\nline"\n' +
        '2,lb-1:http:80,10.0.0.1,1,"bad"x\n' +
        '3,lb-1:http:80,10.0.0.1,1,ok\n',
      'csv',
    );
    expect(checkTrace(s).map((d) => [d.line, d.col, d.code, d.message])).toEqual([
      [4, 32, 'TraceSyntax', 'unexpected character after a closing quote'],
    ]);
    expect([...readTrace(s, { onProblem: () => {} })].map((r) => [r.line, r.host])).toEqual([
      [2, 'multi\nline'],
      [5, 'ok'],
    ]);
  });

  it('reports a missing file as TraceNotFound', () => {
    const missing: TraceSpec = {
      file: join(dir, 'nope.ndjson'),
      format: 'ndjson',
      pos: { file: 'x.yaml', line: 1, col: 1 },
    };
    expect(checkTrace(missing).map((d) => [d.line, d.col, d.code])).toEqual([[1, 1, 'TraceNotFound']]);
  });

  it('caps the number of diagnostics', () => {
    const lines = Array.from({ length: 60 }, () => '{"t": "x"}');
    const out = checkTrace(spec(lines.join('\n'), 'ndjson'), 5);
    expect(out.length).toBe(6);
    expect(out[5].message).toBe('… and 55 more problems in this trace');
  });
});

describe('traceFormatOf', () => {
  it('derives the format from the extension', () => {
    expect([
      traceFormatOf('a.csv'),
      traceFormatOf('a.NDJSON'),
      traceFormatOf('a.jsonl'),
      traceFormatOf('a.txt'),
    ]).toEqual(['csv', 'ndjson', 'ndjson', undefined]);
  });
});

describe('plainDecimal (the fast path of times and ports)', () => {
  const MS = /^\s*\d+(?:\.\d+)?\s*$/;
  const PORT = /^\s*\d+\s*$/;
  const check = (s: string) => {
    const ms = plainDecimal(s, true);
    if (!Number.isNaN(ms)) {
      expect(MS.test(s)).toBe(true);
      expect(ms).toBe(Number(s));
    } else if (/^\d+(?:\.\d+)?$/.test(s)) expect(s.replace('.', '').length).toBeGreaterThan(15);
    const port = plainDecimal(s, false);
    if (!Number.isNaN(port)) {
      expect(PORT.test(s)).toBe(true);
      expect(port).toBe(Number(s));
    } else if (/^\d+$/.test(s)) expect(s.length).toBeGreaterThan(15);
  };

  it('is Number(s) wherever it gives a value, and gives one for every plain decimal of up to 15 digits', () => {
    const text = fc.string({
      unit: fc.constantFrom('0', '1', '5', '9', '.', ' ', '-', 'e', '\t'),
      maxLength: 18,
    });
    fc.assert(fc.property(text, check), { numRuns: 5000 });
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 15 }))
      .map(([m, k]) => {
        const digits = m.toString().padStart(k + 1, '0');
        return k === 0 ? digits : `${digits.slice(0, -k)}.${digits.slice(-k)}`;
      });
    fc.assert(fc.property(decimal, check), { numRuns: 20_000 });
  });

  it('leaves the long and the odd to the patterns', () => {
    for (const s of ['1234567890123456', '0.1234567890123456', '.5', '5.', '1.2.3', ' 7', '+1', '1e3', ''])
      expect(plainDecimal(s, true)).toBeNaN();
    expect(plainDecimal('0.1', true)).toBe(0.1);
    expect(plainDecimal('123456789012.345', true)).toBe(123456789012.345);
    expect(plainDecimal('8080', false)).toBe(8080);
    expect(plainDecimal('80.5', false)).toBeNaN();
  });
});
