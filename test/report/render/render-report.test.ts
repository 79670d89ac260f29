import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, renderReport, writeReportFiles } from '../../../src/report/render/render-report.js';
import { reportFromBatches } from '../../../src/report/report-projection.js';
import { sampleJournal } from '../sample-journal.js';

const report = reportFromBatches(sampleJournal());
const ESC = '\u001b[';

describe('renderers', () => {
  it('print the seed in every format', () => {
    for (const f of REPORT_FORMATS) {
      const out = renderReport(report, f);
      expect(out, f).toContain(f === 'html' ? 'seed-&lt;7&gt;' : f === 'md' ? 'seed-&lt;7>' : 'seed-<7>');
    }
  });

  it('terminal tables: aligned key lines, no colour unless asked', () => {
    const plain = renderReport(report, 'table', { color: false });
    const lines = plain.split('\n');
    expect(lines[0]).toBe('slbsim report: test');
    expect(lines).toContain('Seed:      seed-<7>');
    expect(lines).toContain('Requests:  61 (served 57, sticky 5, retried 0)');
    expect(lines).toContain('Epoch 0 (start) 0s–1s: 29 requests, 28 served');
    expect(lines).toContain('i-a:80        5  yes         71.43%    71.43%  0.00pp     20       0       0');
    expect(lines).toContain('i-c:80        1  no           0.00%     0.00%  0.00pp      0       0       0');
    expect(lines).toContain(
      'Max prefix discrepancy 1.1429 picks; longest run 4; 4 whole cycle(s) of 7 picks: exact at every boundary.',
    );
    expect(lines).toContain('   0       1     14      10       2       2       1.1429    4       2  yes');
    expect(lines).toContain('rule api (rule-1)            exact-domain  rsp-api         8  15.69%');
    expect(lines).toContain(
      'FAIL    scenarios/sample.yaml:44:5  failed requests: expected at most 0, observed 4 (no-eligible-backend 1, listener-stopped 1, no-such-listener 1, backend-error 1)',
    );
    expect(lines).toContain('1 of 2 expectation check(s) failed.');
    expect(lines).toContain('900ms  BackendFailed             i-c:80');
    expect(plain).not.toContain(ESC);
    const coloured = renderReport(report, 'table', { color: true });
    expect(coloured).toContain(ESC);
    expect(coloured.replace(new RegExp(`${ESC.replace('[', '\\[')}[0-9;]*m`, 'g'), '')).toBe(plain);
  });

  it('JSON: stable, pretty, parses back to the report', () => {
    const json = renderReport(report, 'json');
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "schema": "slbsim-report/1",');
    expect(JSON.parse(json)).toEqual(report);
    expect(Object.keys(JSON.parse(json))).toEqual([
      'schema',
      'slbsimVersion',
      'scenario',
      'seed',
      'rng',
      'options',
      'partial',
      'endUs',
      'requests',
      'outcomes',
      'sticky',
      'retried',
      'latency',
      'listeners',
      'groups',
      'faults',
      'topologyEvents',
      'timeline',
      'expectations',
    ]);
  });

  it('Markdown: headings and GitHub tables', () => {
    const md = renderReport(report, 'md').split('\n');
    expect(md[0]).toBe('# slbsim report: test');
    expect(md).toContain('- **Seed:** seed-&lt;7>');
    expect(md).toContain('### Epoch 1 (health) 1s–2s: 12 requests, 12 served');
    expect(md).toContain(
      '| Backend | Weight | Eligible | Expected | Observed | Δ | Count | Sticky | Failed |',
    );
    expect(md).toContain('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(md).toContain('| i-a:80 | 5 | yes | 83.33% | 83.33% | 0.00pp | 10 | 0 | 0 |');
    expect(md).toContain(
      '| **FAIL** | scenarios/sample.yaml:44:5 | failed requests: expected at most 0, observed 4 (no-eligible-backend 1, listener-stopped 1, no-such-listener 1, backend-error 1) |',
    );
  });

  it('HTML: one self-contained offline file with its charts', () => {
    const html = renderReport(report, 'html');
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|@import|url\(/i);
    expect(html).toContain('<style>');
    // Rule matching for 2 listeners, 5 epoch share charts, share over time for 4 groups.
    expect(html.match(/<svg /g)).toHaveLength(11);
    expect(html).toContain('aria-label="Rule matching on lb-1:http:80"');
    expect(html).toContain(
      'aria-label="Group rsp-web (web) via lb-1:http:80 listener-vserver-group: share over time"',
    );
    expect(html).toContain('<title>expected 71.43%</title>');
    expect(html).toContain('1. 900ms BackendFailed i-c:80');
    expect(html).toContain('2. 1s epoch 1: health');
    expect(html).toContain('<td class="r">20</td>');
    expect(html).toContain('<span class="bad">FAIL</span>');
  });

  it('--out writes report.json, report.md and report.html, complete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slbsim-report-'));
    try {
      const files = writeReportFiles(report, join(dir, 'out'));
      expect(files.map((f) => f.slice(dir.length))).toEqual([
        '/out/report.json',
        '/out/report.md',
        '/out/report.html',
      ]);
      expect(readdirSync(join(dir, 'out')).sort()).toEqual(['report.html', 'report.json', 'report.md']);
      expect(readFileSync(files[0], 'utf8')).toBe(renderReport(report, 'json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JSON layout', () => {
  it('keeps arrays of plain values on one line and equals JSON.stringify in content', async () => {
    const { stringify } = await import('../../../src/report/render/json.js');
    const v = { a: [1, 2.5, null, 'x'], b: [{ c: [] }, [3, 4]], d: {}, e: 'q"' };
    expect(stringify(v, '')).toBe(
      '{\n  "a": [1, 2.5, null, "x"],\n  "b": [\n    {\n      "c": []\n    },\n    [3, 4]\n  ],\n  "d": {},\n  "e": "q\\""\n}',
    );
    expect(JSON.parse(stringify(v, ''))).toEqual(v);
    expect(renderReport(report, 'json')).toContain('"counts": [10, 2, 3]');
  });
});
