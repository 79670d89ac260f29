import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLogProblem, LogReader } from '../../src/logs/log-reader.js';

const tmp = mkdtempSync(join(os.tmpdir(), 'slbsim-log-reader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Read {
  time: number;
  slbid: string;
  vport: number;
  scheme: number;
  host: string | null;
  path: string;
  clientIp: number;
  clientPort: number;
  upstream: string | null;
  status: number;
  upstreamStatus: number;
  line: number;
}

function read(name: string, text: string): { rows: Read[]; problems: string[] } {
  const file = join(tmp, name);
  writeFileSync(file, text);
  const rows: Read[] = [];
  const problems: string[] = [];
  const r = new LogReader([file], {
    onRow: (x) =>
      rows.push({
        time: x.timeMs,
        slbid: r.slbids.text(x.slbid),
        vport: x.vport,
        scheme: x.scheme,
        host: x.host < 0 ? null : r.hosts.text(x.host),
        path: r.paths.text(x.path),
        clientIp: x.clientIp,
        clientPort: x.clientPort,
        upstream: x.upstream < 0 ? null : r.upstreams.text(x.upstream),
        status: x.status,
        upstreamStatus: x.upstreamStatus,
        line: x.line,
      }),
    onProblem: (p) => problems.push(formatLogProblem(p).replace(`${tmp}/`, '')),
  });
  r.readAll();
  return { rows, problems };
}

const ROW = {
  time: '2024-05-06T10:00:01+08:00',
  slbid: 'lb-1',
  slb_vport: '80',
  scheme: 'https',
  http_host: 'API.example.com:80',
  host: '10.0.0.5',
  request_uri: '/v1/items?page=2',
  client_ip: '10.8.0.1',
  client_port: '41000',
  upstream_addr: '10.0.1.11:8080, 10.0.1.12:8080',
  status: '200',
  upstream_status: '502, 200',
};
const EXPECTED: Omit<Read, 'line'> = {
  time: Date.parse('2024-05-06T02:00:01Z'),
  slbid: 'lb-1',
  vport: 80,
  scheme: 2,
  host: 'API.example.com:80',
  path: '/v1/items',
  clientIp: 0x0a080001,
  clientPort: 41000,
  upstream: '10.0.1.11:8080, 10.0.1.12:8080',
  status: 200,
  upstreamStatus: 200,
};

describe('LogReader, JSON lines', () => {
  it('reads the SLS fields in any key order, with strings or numbers, CRLF and blank lines', () => {
    const reversed = Object.fromEntries(Object.entries(ROW).reverse());
    const numbers = { ...ROW, slb_vport: 80, client_port: 41000, status: 200, extra: { nested: [1] } };
    const text = `${JSON.stringify(ROW)}\r\n\n${JSON.stringify(reversed)}\n${JSON.stringify(numbers, null, 1).replaceAll('\n', '')}`;
    const { rows, problems } = read('a.jsonl', text);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { ...EXPECTED, line: 1 },
      { ...EXPECTED, line: 3 },
      { ...EXPECTED, line: 4 },
    ]);
  });

  it('falls back on host, reads - as no upstream, unescapes, and takes __time__ when time is absent', () => {
    const { time: _t, ...rest } = ROW;
    const row = {
      ...rest,
      __time__: '1714960801',
      http_host: '-',
      upstream_addr: '-',
      request_uri: '/a\\/b\\u0041?x',
    };
    const { rows, problems } = read(
      'b.jsonl',
      JSON.stringify(row).replace('/a\\\\/b\\\\u0041', '/a\\/b\\u0041'),
    );
    expect(problems).toEqual([]);
    expect(rows[0]).toMatchObject({ time: 1714960801000, host: '10.0.0.5', upstream: null, path: '/a/bA' });
  });

  it('reports each malformed row with its line and goes on', () => {
    const good = JSON.stringify(ROW);
    const text = [
      good,
      'not json',
      '{"time":"2024-05-06T10:00:01+08:00",',
      JSON.stringify({ ...ROW, slbid: undefined }),
      JSON.stringify({ ...ROW, time: 'soon' }),
      JSON.stringify({ ...ROW, client_port: 'x' }),
      JSON.stringify({ ...ROW, slb_vport: '0' }),
      '[1,2]',
      good,
    ].join('\n');
    const { rows, problems } = read('bad.jsonl', text);
    expect(rows.map((r) => r.line)).toEqual([1, 9]);
    expect(problems).toEqual([
      'bad.jsonl:2: LogSyntax not a JSON object (each line of a JSON log is one {…})',
      expect.stringMatching(/^bad\.jsonl:3: LogSyntax not valid JSON/),
      'bad.jsonl:4: LogField missing slbid',
      'bad.jsonl:5: LogField time: expected ISO 8601 (2024-05-06T10:00:01+08:00), nginx time or Unix seconds, got "soon"',
      'bad.jsonl:6: LogField client_port: expected a port 0–65535, got "x"',
      'bad.jsonl:7: LogField slb_vport: expected a port 1–65535, got "0"',
      'bad.jsonl:8: LogSyntax not a JSON object (each line of a JSON log is one {…})',
    ]);
  });

  it('reads what JSON.parse reads, for any string values (property)', () => {
    const value = fc.string({ unit: 'binary', maxLength: 30 });
    fc.assert(
      fc.property(value, value, fc.boolean(), (host, uri, spaced) => {
        const row = { ...ROW, http_host: host === '' || host === '-' ? 'h' : host, request_uri: `/${uri}` };
        const text = spaced ? JSON.stringify(row, null, 1).replaceAll('\n', ' ') : JSON.stringify(row);
        const { rows, problems } = read(
          'p.jsonl',
          text.replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029'),
        );
        expect(problems).toEqual([]);
        expect(rows[0].host).toBe(row.http_host);
        const path = row.request_uri;
        const cut = path.search(/[?#]/);
        expect(rows[0].path).toBe(cut < 0 ? path : path.slice(0, cut));
      }),
      { numRuns: 40 },
    );
  });
});

describe('LogReader, CSV', () => {
  it('reads a header and quoted fields; a short row or a header without the fields is reported', () => {
    const header = Object.keys(ROW).join(',');
    const line = Object.values(ROW)
      .map((v) => (v.includes(',') ? `"${v}"` : v))
      .join(',');
    const quoted = line.replace('/v1/items?page=2', '"/v1/it""ems?page=2"');
    const { rows, problems } = read('a.csv', `\ufeff${header}\n${line}\n${quoted}\nlb-1,80\n`);
    expect(rows).toEqual([
      { ...EXPECTED, line: 2 },
      { ...EXPECTED, path: '/v1/it"ems', line: 3 },
    ]);
    expect(problems).toEqual(['a.csv:4: LogSyntax expected 12 fields as in the header, got 2']);
    const bad = read('b.csv', 'time,slbid\n1,2\n');
    expect(bad.problems).toEqual([
      'b.csv:1: LogSyntax the CSV header lacks slb_vport, client_ip, upstream_addr (a CSV log starts with a header row naming the SLS fields)',
      'b.csv:2: LogSyntax row after a CSV header that could not be read',
    ]);
  });

  it('reads a log larger than its 4 MiB buffer, lines across chunk borders included', () => {
    const line = JSON.stringify(ROW);
    const n = Math.ceil((9 << 20) / line.length);
    const { rows, problems } = read('big.jsonl', `${Array.from({ length: n }, () => line).join('\n')}\n`);
    expect(problems).toEqual([]);
    expect(rows.length).toBe(n);
    expect(rows[n - 1]).toEqual({ ...EXPECTED, line: n });
  });
});
