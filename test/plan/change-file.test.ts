import { describe, expect, it } from 'vitest';
import { loadChange, loadChangeText } from '../../src/plan/change-file.js';
import { formatted, lines, tempFile } from '../scenario/helpers.js';

function problemsOf(text: string, file = 'change.yaml'): string[] {
  const r = loadChangeText(text, file);
  return r.ok ? [] : formatted(r.diagnostics);
}

describe('loadChangeText', () => {
  it('reads a bare list of events, at 0 unless given, in stable time order with positions', () => {
    const r = loadChangeText(
      lines(
        '- at: 30s',
        '  action: DeleteRules',
        '  params: { RuleIds: [rule-1] }',
        '- action: SetVServerGroupAttribute',
        '  params:',
        '    VServerGroupId: rsp-1',
        '    BackendServers: [{ ServerId: i-1, Port: 80, Weight: 5 }]',
        '- action: StopLoadBalancerListener',
        '  params: { LoadBalancerId: lb-1, ListenerPort: 80 }',
      ),
      'change.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.change.name).toBeNull();
    expect(r.change.description).toBeNull();
    expect(r.change.events.map((e) => [e.at, e.action, e.field, `${e.pos.line}:${e.pos.col}`])).toEqual([
      [0, 'SetVServerGroupAttribute', '[1]', '4:3'],
      [0, 'StopLoadBalancerListener', '[2]', '8:3'],
      [30_000_000, 'DeleteRules', '[0]', '1:3'],
    ]);
    const set = r.change.events[0];
    expect(set.params).toEqual({
      VServerGroupId: 'rsp-1',
      BackendServers: [{ ServerId: 'i-1', Port: 80, Weight: 5 }],
    });
    expect(set.paramPos['BackendServers[0].Weight']).toEqual({
      file: 'change.yaml',
      line: 7,
      col: 57,
      field: '[1].params.BackendServers[0].Weight',
    });
  });

  it('reads the mapping form with a name and a description', () => {
    const r = loadChangeText(
      lines(
        'name: drain web2',
        'description: weight 0 before the deploy',
        'events:',
        '  - { at: 1m, action: StartLoadBalancerListener, params: { LoadBalancerId: lb-1, ListenerPort: 80 } }',
      ),
      'c.yaml',
    );
    expect(
      r.ok && [r.change.name, r.change.description, r.change.events[0].at, r.change.events[0].field],
    ).toEqual(['drain web2', 'weight 0 before the deploy', 60_000_000, 'events[0]']);
  });

  it('reads JSON by extension, with positions', () => {
    const r = loadChangeText(
      '[\n  {"action": "DeleteVServerGroup", "params": {"VServerGroupId": "rsp-1"}, "at": "2s"}\n]\n',
      'c.json',
    );
    expect(r.ok && [r.change.events[0].at, r.change.events[0].pos.line, r.change.events[0].pos.col]).toEqual([
      2_000_000, 2, 3,
    ]);
  });

  it('reports every schema problem at its position, with the allowed keys', () => {
    expect(
      problemsOf(
        lines(
          'events:',
          '  - action: SetVServerGroupAtribute',
          '    parms: {}',
          '  - { at: soon, action: DeleteRules }',
          'extra: 1',
        ),
      ),
    ).toEqual([
      'change.yaml:2:13: SchemaError events[0].action: unknown value "SetVServerGroupAtribute" (did you mean SetVServerGroupAttribute?)',
      'change.yaml:3:5: SchemaError unknown key parms in events[0] (did you mean params?); allowed keys: at, action, params, description',
      'change.yaml:4:11: BadDuration events[1].at: expected a duration such as 500ms, 30s, 2m, 1h or 1500us (a bare number means seconds), got "soon"',
      'change.yaml:5:1: SchemaError unknown key extra in the top level; allowed keys: $schema, name, description, events',
    ]);
  });

  it('refuses an empty change, an empty file and a scalar', () => {
    expect(problemsOf('[]\n', 'c.json')).toEqual([
      'c.json:1:1: EmptyChange the change has no events: list the OpenAPI calls to make, each {action, params, at?}',
    ]);
    expect(problemsOf('')).toEqual([
      'change.yaml:1:1: EmptyChange the change has no events: list the OpenAPI calls to make, each {action, params, at?}',
    ]);
    expect(problemsOf('name: x\nevents: []\n')).toEqual([
      'change.yaml:2:9: EmptyChange the change has no events: list the OpenAPI calls to make, each {action, params, at?}',
    ]);
    expect(problemsOf('42\n')).toEqual([
      'change.yaml:1:1: SchemaError the file: expected a list of OpenAPI events {action, params, at?}, or a mapping with events:, got 42',
    ]);
  });

  it('reports syntax errors like the scenario loader', () => {
    expect(problemsOf('- action: [\n')[0]).toMatch(/^change\.yaml:\d+:\d+: YamlSyntax /);
    expect(problemsOf('[{"action": }]', 'c.json')[0]).toMatch(/^c\.json:1:\d+: JsonSyntax /);
  });
});

describe('loadChange', () => {
  it('reads a file, and says when there is none', () => {
    const file = tempFile('change.yaml', '- { action: DeleteRules, params: { RuleIds: [r-1] } }\n');
    const r = loadChange(file);
    expect(r.ok && r.change.file).toBe(file);
    const missing = loadChange('no/such/change.yaml');
    expect(missing.ok ? [] : formatted(missing.diagnostics)).toEqual([
      'no/such/change.yaml:1:1: FileNotFound no such file: no/such/change.yaml',
    ]);
  });

  it('refuses a change file that is not a regular file (regression: /dev/zero was read until memory ran out)', () => {
    // Given a character device as the change file, when it is loaded, then one clear line, nothing read
    const r = loadChange('/dev/zero');
    expect(r.ok ? [] : formatted(r.diagnostics)).toEqual([
      '/dev/zero:1:1: FileUnreadable /dev/zero is a character device: a change file must be a regular file (YAML or JSON)',
    ]);
  });
});
