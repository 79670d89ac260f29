import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChange } from '../../src/plan/change-file.js';
import { loadVariants, loadVariantsText, variantRejections } from '../../src/scale/variants-file.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';
import { formatted, lines } from '../scenario/helpers.js';

function problemsOf(text: string, file = 'variants.yaml'): string[] {
  const r = loadVariantsText(text, file);
  return r.ok ? [] : formatted(r.diagnostics);
}

function seedCase(): Scenario {
  const loaded = loadScenario('scenarios/seed-case.yaml');
  if (!loaded.ok) throw new Error('seed-case.yaml does not load');
  return loaded.scenario;
}

const WEB_EQUAL = [
  '  - name: web equal',
  '    description: every web backend at 50',
  '    events:',
  '      - action: SetVServerGroupAttribute',
  '        params:',
  '          VServerGroupId: rsp-web',
  '          BackendServers: [{ ServerId: i-web1, Port: 8080, Weight: 50 }]',
];

describe('loadVariantsText', () => {
  it('reads change file paths (relative to the variants file), named references and inline changes', () => {
    const r = loadVariantsText(
      lines(
        'description: three ways',
        'variants:',
        '  - ../changes/seed-case-weights.yaml',
        '  - { name: new rule, change: ../changes/seed-case-api-v1.yaml }',
        ...WEB_EQUAL,
        '  - events:',
        '      - { at: 5s, action: StopLoadBalancerListener, params: { LoadBalancerId: lb-seed, ListenerPort: 81 } }',
      ),
      'scenarios/variants/v.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.variants.file).toBe('scenarios/variants/v.yaml');
    expect(r.variants.description).toBe('three ways');
    expect(
      r.variants.variants.map((v) => [
        v.name,
        v.description,
        v.source,
        v.change.file,
        v.change.events.length,
      ]),
    ).toEqual([
      [
        'rebalance web, drain api2',
        'i-web2:8080 weight 50 → 100; i-api2:9000 removed from rsp-api',
        'scenarios/changes/seed-case-weights.yaml',
        'scenarios/changes/seed-case-weights.yaml',
        2,
      ],
      [
        'new rule',
        null,
        'scenarios/changes/seed-case-api-v1.yaml',
        'scenarios/changes/seed-case-api-v1.yaml',
        1,
      ],
      [
        'web equal',
        'every web backend at 50',
        'scenarios/variants/v.yaml:5:5',
        'scenarios/variants/v.yaml',
        1,
      ],
      ['variant 4', null, 'scenarios/variants/v.yaml:12:5', 'scenarios/variants/v.yaml', 1],
    ]);
    // A referenced change is the change `plan --change` loads; an inline one keeps its positions here.
    const ref = loadChange('scenarios/changes/seed-case-weights.yaml');
    expect(ref.ok && r.variants.variants[0].change).toEqual(ref.ok ? ref.change : undefined);
    const inline = r.variants.variants[3].change.events[0];
    expect([inline.action, inline.at, inline.field, inline.pos.line, inline.pos.col]).toEqual([
      'StopLoadBalancerListener',
      5_000_000,
      'variants[3].events[0]',
      13,
      9,
    ]);
    expect(inline.pos.file).toBe('scenarios/variants/v.yaml');
  });

  it('reads a bare list and JSON', () => {
    const yaml = loadVariantsText(lines('- ../changes/seed-case-weights.yaml'), 'scenarios/variants/v.yaml');
    expect(yaml.ok && yaml.variants.variants.map((v) => v.name)).toEqual(['rebalance web, drain api2']);
    const json = loadVariantsText(
      JSON.stringify([{ name: 'j', change: 'changes/seed-case-api-v1.yaml' }]),
      'scenarios/v.json',
    );
    expect(json.ok && json.variants.variants.map((v) => [v.name, v.source])).toEqual([
      ['j', 'scenarios/changes/seed-case-api-v1.yaml'],
    ]);
  });

  it('reports every mistake as file:line:col: CODE message', () => {
    expect(problemsOf('[]\n')).toEqual([
      'variants.yaml:1:1: EmptyVariants the variants file lists no variant: give change file paths or {name?, change | events}',
    ]);
    expect(problemsOf(lines('variants:', '  - 42', '  - { name: x, change: a.yaml, as: 1 }'))).toEqual([
      'variants.yaml:2:5: SchemaError variants[0]: expected a change file path, {name?, description?, change: <path>}, or {name?, description?, events: [...]}, got 42',
      'variants.yaml:3:32: SchemaError unknown key as in variants[1]; allowed keys: name, description, change',
    ]);
    expect(problemsOf(lines('variants: [a.yaml]', 'seeds: 1..5'))).toEqual([
      'variants.yaml:2:1: SchemaError unknown key seeds in the top level; allowed keys: $schema, description, variants',
    ]);
    expect(problemsOf('- [a.yaml\n')[0]).toMatch(/^variants\.yaml:\d+:\d+: YamlSyntax /);
    expect(
      problemsOf(
        lines(
          '- { name: a, events: [] }',
          '- { name: b, change: nope.yaml }',
          '- { name: as is, change: ../scenarios/changes/seed-case-api-v1.yaml }',
          '- { name: c, change: ../scenarios/changes/seed-case-api-v1.yaml }',
          '- { name: c, change: ../scenarios/changes/seed-case-weights.yaml }',
        ),
        'test/variants.yaml',
      ),
    ).toEqual([
      'test/variants.yaml:1:22: EmptyChange the change has no events: list the OpenAPI calls to make, each {action, params, at?}',
      'test/variants.yaml:2:22: FileNotFound no such file: test/nope.yaml (the change of this variant)',
      'test/variants.yaml:3:11: DuplicateVariant the name "as is" is the baseline\'s (the scenario without a change): name the variant otherwise',
      'test/variants.yaml:5:11: DuplicateVariant variant "c" is named twice (first at [3]): give each variant its own name',
    ]);
  });

  it('names an entry with both change: and events: (regression: it got the general shape message)', () => {
    expect(problemsOf(lines('variants:', '  - name: x', '    change: a.yaml', '    events: []'))).toEqual([
      'variants.yaml:4:13: SchemaError variants[0] has both change: and events:; give one — change: <path> to a change file, or events: [...] inline',
    ]);
    expect(problemsOf(lines('- { change: a.yaml, events: [] }'))).toEqual([
      'variants.yaml:1:29: SchemaError [0] has both change: and events:; give one — change: <path> to a change file, or events: [...] inline',
    ]);
  });

  it('reports a mistake inside a referenced change file at its place in that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slbsim-variants-'));
    mkdirSync(join(dir, 'changes'));
    writeFileSync(
      join(dir, 'changes', 'bad.yaml'),
      lines('- action: SetVServerGroupAttribute', '  parms: {}'),
    );
    writeFileSync(join(dir, 'v.yaml'), lines('- changes/bad.yaml'));
    const r = loadVariants(join(dir, 'v.yaml'));
    expect(r.ok ? [] : formatted(r.diagnostics)).toEqual([
      `${join(dir, 'changes', 'bad.yaml')}:2:3: SchemaError unknown key parms in [0] (did you mean params?); allowed keys: at, action, params, description`,
    ]);
    const missing = loadVariants(join(dir, 'none.yaml'));
    expect(missing.ok ? [] : formatted(missing.diagnostics)).toEqual([
      `${join(dir, 'none.yaml')}:1:1: FileNotFound no such file: ${join(dir, 'none.yaml')}`,
    ]);
  });

  it('refuses a variants file that is not a regular file (regression: /dev/zero was read until memory ran out)', () => {
    // Given a character device, and a directory, as the variants file
    // When each is loaded, then one clear line each, nothing read
    const r = loadVariants('/dev/zero');
    expect(r.ok ? [] : formatted(r.diagnostics)).toEqual([
      '/dev/zero:1:1: FileUnreadable /dev/zero is a character device: a variants file must be a regular file (YAML or JSON)',
    ]);
    const d = loadVariants(tmpdir());
    expect(d.ok ? [] : formatted(d.diagnostics)).toEqual([
      `${tmpdir()}:1:1: FileUnreadable ${tmpdir()} is a directory, not a variants file`,
    ]);
  });
});

describe('variantRejections', () => {
  it("lists every call CLB would refuse, with CLB's code, at its place in the variants or change file", () => {
    const r = loadVariantsText(
      lines(
        '- ../changes/seed-case-weights.yaml',
        '- name: too heavy',
        '  events:',
        '    - action: SetVServerGroupAttribute',
        '      params: { VServerGroupId: rsp-api, BackendServers: [{ ServerId: i-api1, Port: 9000, Weight: 1000 }] }',
        '- ../changes/tcp-consistent-hash-remove.yaml',
      ),
      'scenarios/variants/v.yaml',
    );
    if (!r.ok) throw new Error(formatted(r.diagnostics).join('\n'));
    expect(formatted(variantRejections(seedCase(), r.variants))).toEqual([
      'scenarios/changes/tcp-consistent-hash-remove.yaml:7:29: InvalidParameter RemoveVServerGroupBackendServers at 40s rejected: The specified VServerGroupId rsp-cache does not exist.',
      'scenarios/variants/v.yaml:5:99: InvalidWeight.Malformed SetVServerGroupAttribute rejected: BackendServers[0].Weight must be between 0 and 100, got 1000.',
    ]);
    const good = loadVariants('scenarios/variants/seed-case-weights.yaml');
    if (!good.ok) throw new Error(formatted(good.diagnostics).join('\n'));
    expect(variantRejections(seedCase(), good.variants)).toEqual([]);
  });
});
