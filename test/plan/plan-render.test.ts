import { describe, expect, it } from 'vitest';
import { isPlanFormat, planBlocks, renderPlan } from '../../src/plan/plan-render.js';
import { lines } from '../scenario/helpers.js';
import { changeOf, example, planOf, scenarioOf } from './fixtures.js';

describe('renderPlan', () => {
  const { scenario, change } = example(
    'scenarios/tcp-consistent-hash.yaml',
    'scenarios/changes/tcp-consistent-hash-remove.yaml',
  );
  const plan = planOf(scenario, change, { label: 'scenarios/tcp-consistent-hash.yaml', maxMoved: 0.3 });

  it('prints the terminal table', () => {
    expect(renderPlan(plan, 'table')).toBe(
      lines(
        'slbsim plan: tcp-consistent-hash + scenarios/changes/tcp-consistent-hash-remove.yaml',
        '',
        'Scenario: scenarios/tcp-consistent-hash.yaml',
        'Change:   scenarios/changes/tcp-consistent-hash-remove.yaml',
        'Seed:     ch-1',
        'RNG:      alea (seedrandom 3.0.5)',
        'slbsim:   0.1.0',
        'Compared: 3978 requests from 40s to 59.989s (of 11873 in the run)',
        'Moved:    1022 (25.69%) ≤ --max-moved 30.00%',
        'Outcomes: unchanged (ok 3978)',
        'Result:   pass',
        '',
        'Change',
        ' At  Action                            Where',
        '───  ────────────────────────────────  ─────────────────────────────────────────────────────',
        '40s  RemoveVServerGroupBackendServers  scenarios/changes/tcp-consistent-hash-remove.yaml:5:3',
        '',
        'Groups',
        'Scope                                     Group      Requests  Moved out  Moved in  Share shift  Eligible',
        '────────────────────────────────────────  ─────────  ────────  ─────────  ────────  ───────────  ────────',
        'lb-cache:tcp:6379 listener-vserver-group  rsp-cache      3978       1022      1022       25.67%     4 → 3',
        '',
        'Group rsp-cache (redis) via lb-cache:tcp:6379 listener-vserver-group',
        'Scheduler: sch, session persistence off',
        'Requests:  3978 (served 3978, no eligible backend 0)',
        'Moved:     1022 out (25.69%), 1022 in; the shares shift by 25.67%',
        'Backend        Before  After  Share before  Share after         Δ  Moved out  Moved in',
        '─────────────  ──────  ─────  ────────────  ───────────  ────────  ─────────  ────────',
        'i-cache4:6379    1021      0        25.67%        0.00%  -25.67pp       1021         0',
        'i-cache3:6379     977   1293        24.56%       32.50%   +7.94pp          0       316',
        'i-cache2:6379    1009   1356        25.36%       34.09%   +8.72pp          1       348',
        'i-cache1:6379     971   1329        24.41%       33.41%   +9.00pp          0       358',
        'Clients (source-ip): 706 of 2687 remapped (26.27%); ideal 25.00% (the weight share that changes hands)',
        '',
        'Expectations after the change',
        'Before  After  Where                                    Check (after)',
        '──────  ─────  ───────────────────────────────────────  ───────────────────────────────────────────────',
        'pass    pass   scenarios/tcp-consistent-hash.yaml:55:5  failed requests: expected at most 0, observed 0',
        'All 1 expectation check(s) pass after the change.',
      ),
    );
  });

  it('prints JSON that parses back to the plan, in the layout of the report', () => {
    const text = renderPlan(plan, 'json');
    expect(JSON.parse(text)).toEqual(plan);
    expect(text.startsWith('{\n  "schema": "slbsim-plan/1",\n  "slbsimVersion": ')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('prints Markdown with the same sections', () => {
    const md = renderPlan(plan, 'md');
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# slbsim plan: tcp-consistent-hash + scenarios/changes/tcp-consistent-hash-remove.yaml',
      '## Change',
      '## Groups',
      '## Group rsp-cache (redis) via lb-cache:tcp:6379 listener-vserver-group',
      '## Expectations after the change',
    ]);
    expect(md).toContain('| i-cache4:6379 | 1021 | 0 | 25.67% | 0.00% | -25.67pp | 1021 | 0 |');
  });

  it('flags groups left without a backend, failed gates and newly shadowed rules', () => {
    const p = planOf(
      scenarioOf(),
      changeOf(
        lines(
          '- action: SetVServerGroupAttribute',
          '  params: { VServerGroupId: rsp-b, BackendServers: [{ ServerId: i-3, Port: 80, Weight: 0 }] }',
          '- action: CreateRules',
          '  params:',
          '    LoadBalancerId: lb-1',
          '    ListenerPort: 80',
          '    RuleList: [{ RuleName: shop-static, Domain: shop.example.com, Url: /static, VServerGroupId: rsp-a }]',
        ),
      ),
      { maxMoved: 0.1 },
    );
    const text = renderPlan(p, 'table');
    expect(text).toContain(
      'No eligible backend after the change: lb-1:http:80 rule static; lb-1:http:80 rule shop; lb-1:http:81 listener-vserver-group.',
    );
    expect(text).toContain('Moved:    1000 (100.00%) > --max-moved 10.00%');
    expect(text).toContain('Outcomes: ok 1000 → 341, no-eligible-backend 0 → 659');
    expect(text).toContain(
      'shop (rule-sim2)         shop.example.com          reached  shadowed by rule shop-static',
    );
    expect(planBlocks(p)[0]).toEqual({ kind: 'title', text: 'slbsim plan: plan-fixture + change.yaml' });
  });

  it('knows its formats', () => {
    expect(['table', 'json', 'md', 'html', 'csv'].map(isPlanFormat)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
