/**
 * Issue 10 §1 end to end: a request Tengine would reject gets `bad-request` (HTTP 400) in the
 * journal, the report (listed only when it happened, so reports without it are unchanged) and the
 * records (which keep the raw path); normalised targets reach the rule nginx would pick.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/pipeline/replay.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';

function scenario(simulation = ''): Scenario {
  const text = `version: 1
name: url-normalization
seed: u1
instances:
  - { InstanceId: i-a, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-b, RegionId: cn-hangzhou, VpcId: vpc-1 }
topology:
  loadBalancers:
    - id: lb-u
      region: cn-hangzhou
      addressType: intranet
      vpc: vpc-1
      vServerGroups:
        - id: rsp-w
          servers: [{ server: i-a, port: 8080, weight: 1 }]
        - id: rsp-api
          servers: [{ server: i-b, port: 9090, weight: 1 }]
      listeners:
        - protocol: http
          port: 80
          group: rsp-w
          rules:
            - { name: api-v2, url: /api/v2, group: rsp-api }
${simulation}traffic:
  requests: 400
  mix:
    - { name: plain, listener: "lb-u:http:80", weight: 1, host: www.example.com, path: /api/v2/x }
    - { name: dotted, listener: "lb-u:http:80", weight: 1, host: www.example.com, path: "/static/../api/v2" }
    - { name: above-root, listener: "lb-u:http:80", weight: 1, host: www.example.com, path: "/.." }
    - { name: empty-label, listener: "lb-u:http:80", weight: 1, host: "a..example.com", path: /api/v2 }
`;
  const r = loadScenarioText(text, 'url-normalization.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.scenario;
}

interface Row {
  path: string;
  outcome: string;
  status: number | null;
  VServerGroupId: string | null;
  ServerId: string | null;
}

async function run(s: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'slbsim-urlnorm-'));
  const record = join(dir, 'r.jsonl');
  const { report } = await replayScenario(s, { record });
  const rows = readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  return { report, rows };
}

describe('URL matching normalized (the default), end to end', () => {
  it('given targets and hosts Tengine rejects, then bad-request with status 400, counted in the report', async () => {
    const { report, rows } = await run(scenario());
    const count = (pred: (r: Row) => boolean) => rows.filter(pred).length;
    const bad = count((r) => r.outcome === 'bad-request');
    expect(bad).toBe(count((r) => r.path === '/..' || r.VServerGroupId === null));
    expect(bad).toBeGreaterThan(0);
    for (const r of rows.filter((x) => x.outcome === 'bad-request'))
      expect([r.status, r.VServerGroupId, r.ServerId]).toEqual([400, null, null]);
    // The records keep the raw path; the dotted target reached the /api/v2 rule, as in nginx.
    expect(new Set(rows.map((r) => r.path))).toEqual(
      new Set(['/api/v2/x', '/static/../api/v2', '/..', '/api/v2']),
    );
    for (const r of rows.filter((x) => x.path === '/static/../api/v2'))
      expect([r.outcome, r.VServerGroupId]).toEqual(['ok', 'rsp-api']);

    expect(Object.keys(report.outcomes)).toEqual([
      'ok',
      'no-eligible-backend',
      'listener-stopped',
      'no-such-listener',
      'backend-error',
      'bad-request',
    ]);
    expect(report.outcomes['bad-request']).toBe(bad);
    expect(report.outcomes.ok).toBe(400 - bad);
    const l = report.listeners[0];
    expect(l.failures).toEqual({
      noEligibleBackend: 0,
      listenerStopped: 0,
      noSuchListener: 0,
      backendError: 0,
      badRequest: bad,
      total: bad,
    });
    expect(report.options).not.toHaveProperty('urlMatching');
    const md = renderReport(report, 'md', { color: false });
    expect(md).toContain(`**${bad} (bad-request ${bad})**`);
    expect(md).toContain('failed: bad request (400)');
  });

  it('given URL matching raw, then nothing is rejected, the dotted target misses the rule, and the option is recorded', async () => {
    const { report, rows } = await run(scenario('simulation: { urlMatching: raw }\n'));
    expect(rows.every((r) => r.outcome === 'ok')).toBe(true);
    for (const r of rows.filter((x) => x.path === '/static/../api/v2'))
      expect(r.VServerGroupId).toBe('rsp-w');
    expect(report.outcomes).not.toHaveProperty('bad-request');
    expect(report.listeners[0].failures).not.toHaveProperty('badRequest');
    expect(report.options.urlMatching).toBe('raw');
  });
});
