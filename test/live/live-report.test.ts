import { describe, expect, it } from 'vitest';
import { type LiveSection, liveBlocks, renderLiveReport } from '../../src/live/live-report.js';
import { renderJson } from '../../src/report/render/json.js';
import { renderReport } from '../../src/report/render/render-report.js';
import { reportFromBatches } from '../../src/report/report-projection.js';
import { sampleJournal } from '../report/sample-journal.js';

const latency = { count: 3, min: 1, mean: 2, p50: 2, p90: 3, p99: 3, p999: 3, max: 3 };

const SECTION: LiveSection = {
  schedule: 'poisson 100/s',
  connections: 2,
  timeScale: 1,
  partial: false,
  wallSeconds: 1.5,
  throughput: 2,
  accounting: { sent: 3, completed: 3, failed: 0, lost: 0, inFlight: 0, balanced: true },
  status: { '200': 3 },
  proxy: { arrived: 3, ok: 3, noBackend: 0, refused: 0, backendErrors: 0, retries: 0 },
  latencyUs: latency,
  autocannon: { instances: 1, latencyMs: latency, errors: 0, timeouts: 0, non2xx: 0, sent: 3, total: 3 },
  backends: [
    { backend: 'i-a:80', backendSide: 2, clientSide: 2, failedAttempts: 0, agree: true },
    { backend: '<i-b>:80', backendSide: 1, clientSide: 0, failedAttempts: 1, agree: false },
  ],
  countsAgree: false,
  unattributed: {},
  health: { probes: 1, checks: 4, failed: 0, transitions: 0, checksServed: 4 },
  timeline: [{ at: 1000, applied: 1200, what: 'SetBackendServers' }],
  timelineNotReached: 0,
  journal: { routed: 3, completed: 3, dropped: 0 },
  layer4NotDriven: [],
  notes: ['the client\'s & the proxy\'s "view"'],
  crossCheck: null,
};

describe('live report', () => {
  const report = reportFromBatches(sampleJournal());

  it('given a live section, then the HTML page carries it as sections of the report page, every character escaped', () => {
    const html = renderLiveReport(report, SECTION, 'html');
    expect(html).not.toContain('<pre>');
    expect(html).toContain('<h2>Live run</h2>');
    expect(html).toContain('<h2>Backend side vs client side</h2>');
    expect(html).toContain('&lt;i-b&gt;:80');
    expect(html).toContain('note: the client&#39;s &amp; the proxy&#39;s &quot;view&quot;');
    // The live sections are inside the page's <main>, after the report's own.
    expect(html.indexOf('<h2>Live run</h2>')).toBeGreaterThan(html.indexOf('</h1>'));
    expect(html.indexOf('<h2>Live run</h2>')).toBeLessThan(html.indexOf('</main>'));
    expect(html.match(/<\/body>/g)).toHaveLength(1);
  });

  it('given the JSON format, then it is the report JSON with a live key, in the report layout', () => {
    const json = renderLiveReport(report, SECTION, 'json');
    const parsed = JSON.parse(json);
    expect(parsed.live).toEqual(SECTION);
    const { live: _, ...base } = parsed;
    expect(base).toEqual(JSON.parse(renderJson(report)));
    // Arrays of plain values stay on one line, as in the report JSON.
    expect(json).toContain('"notes": ["the client\'s & the proxy\'s \\"view\\""]');
  });

  it('given the text formats, then the report comes first and the live blocks follow', () => {
    const table = renderLiveReport(report, SECTION, 'table');
    expect(table.startsWith(renderReport(report, 'table').trimEnd())).toBe(true);
    expect(table).toContain('Live run');
    expect(table).toContain('counts differ');
    const md = renderLiveReport(report, SECTION, 'md');
    expect(md.startsWith(renderReport(report, 'md').trimEnd())).toBe(true);
    expect(md).toContain('## Live run');
    expect(md).toContain('| measured by | unit | count |');
  });

  it('lays out the live run as headings, fields, tables and notes', () => {
    const kinds = liveBlocks(SECTION).map((b) => (b.kind === 'heading' ? `h:${b.text}` : b.kind));
    expect(kinds).toEqual([
      'h:Live run',
      'fields',
      'h:Latency and throughput',
      'table',
      'note',
      'h:Backend side vs client side',
      'table',
      'note',
      'note',
      'h:Timeline (as it happened)',
      'table',
      'note',
    ]);
  });
});
