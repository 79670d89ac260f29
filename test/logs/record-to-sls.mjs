#!/usr/bin/env node
/**
 * Rewrite a per-request record file of slbsim's own harness (`slbsim live … --record rec.jsonl`)
 * into a CLB layer-7 access log with SLS's field names (topic slb_layer7_access_log), so that
 * `slbsim logs` can be tested on real harness output:
 *
 *   node test/logs/record-to-sls.mjs <scenario.yaml> <rec.jsonl> [--csv] [--base 2024-05-06T10:00:00+08:00] > log
 *
 * Every value is a string, as SLS exports them. `time` is the base time plus the request's
 * scenario time, at second resolution with the +08:00 offset CLB's logs carry; `upstream_addr` is
 * the ECS PrivateIpAddress of the record's ServerId (from the scenario's `instances:`) and its Port;
 * `request_uri` keeps the query string; `-` marks a request without upstream, as Tengine logs it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const args = process.argv.slice(2);
const csv = args.includes('--csv');
const baseAt = args.indexOf('--base');
const base = baseAt >= 0 ? args[baseAt + 1] : '2024-05-06T10:00:00+08:00';
const [scenarioFile, recordFile] = args.filter(
  (a, i) => !a.startsWith('--') && (baseAt < 0 || i !== baseAt + 1),
);
if (!scenarioFile || !recordFile) {
  process.stderr.write('usage: record-to-sls.mjs <scenario.yaml> <rec.jsonl> [--csv] [--base <iso time>]\n');
  process.exit(2);
}

const scenario = parse(readFileSync(scenarioFile, 'utf8'));
const ipOf = new Map((scenario.instances ?? []).map((i) => [i.InstanceId, i.PrivateIpAddress]));
const baseMs = Date.parse(base);

/** `2024-05-06T10:00:01+08:00` for Unix ms, in UTC+8 as CLB in cn-hangzhou writes it. */
function cnTime(ms) {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

const FIELDS = [
  '__topic__',
  'time',
  'slbid',
  'vip_addr',
  'slb_vport',
  'scheme',
  'server_protocol',
  'request_method',
  'host',
  'http_host',
  'request_uri',
  'client_ip',
  'client_port',
  'http_user_agent',
  'status',
  'upstream_addr',
  'upstream_status',
  'upstream_response_time',
  'request_time',
  'body_bytes_sent',
];

const out = [];
if (csv) out.push(FIELDS.join(','));
for (const line of readFileSync(recordFile, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const r = JSON.parse(line);
  const [slbid, , port] = r.listener.split(':');
  const served = r.ServerId !== null && r.outcome === 'ok';
  const upstream = served ? `${ipOf.get(r.ServerId)}:${r.Port}` : '-';
  const seconds = r.latency === null ? '0.001' : (r.latency / 1e6).toFixed(3);
  const row = {
    __topic__: 'slb_layer7_access_log',
    time: cnTime(baseMs + Math.floor(r.t / 1e6) * 1000),
    slbid,
    vip_addr: '10.254.0.1',
    slb_vport: port,
    scheme: 'http',
    server_protocol: 'HTTP/1.1',
    request_method: r.method ?? 'GET',
    host: r.host ?? '',
    http_host: r.host ?? '',
    request_uri: r.path ?? '/',
    client_ip: r.clientIp,
    client_port: String(r.clientPort),
    http_user_agent: 'autocannon',
    status: String(r.status ?? 0),
    upstream_addr: upstream,
    upstream_status: served ? String(r.status) : '-',
    upstream_response_time: served ? seconds : '-',
    request_time: seconds,
    body_bytes_sent: served ? '27' : '0',
  };
  if (csv)
    out.push(
      FIELDS.map((f) => (/[",]/.test(row[f]) ? `"${row[f].replaceAll('"', '""')}"` : row[f])).join(','),
    );
  else out.push(JSON.stringify(row));
}
process.stdout.write(`${out.join('\n')}\n`);
