import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../src/cli/commands/schema-command.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';
import { ACTIONS } from '../../src/topology/events.js';

type Json = Record<string, unknown>;

describe('the JSON Schema of scenario files', () => {
  it('is committed up to date (regenerate with `npm run schema`)', () => {
    expect(readFileSync('schema/scenario.schema.json', 'utf8')).toBe(schemaText());
  });

  it('is draft-07, closed at the top level, and describes its keys', () => {
    const s = scenarioJsonSchema() as Json;
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.additionalProperties).toBe(false);
    const props = s.properties as Record<string, Json>;
    expect(Object.keys(props)).toEqual([
      '$schema',
      'version',
      'name',
      'description',
      'seed',
      'instances',
      'topology',
      'events',
      'timeline',
      'traffic',
      'simulation',
      'expect',
    ]);
    for (const [k, v] of Object.entries(props)) expect(typeof v.description, k).toBe('string');
  });

  it('completes the params of every action (if action = X then params has X’s parameters)', () => {
    const s = scenarioJsonSchema() as Json;
    const completions = ((s.definitions as Json).ActionParams as Json).allOf as Json[];
    expect(completions.length).toBe(ACTIONS.length);
    const vsg = completions.find((c) => JSON.stringify(c.if).includes('"CreateVServerGroup"')) as Json;
    const params = (((vsg.then as Json).properties as Json).params as Json).properties as Json;
    expect(Object.keys(params)).toEqual(
      expect.arrayContaining([
        'LoadBalancerId',
        'VServerGroupId',
        'VServerGroupName',
        'BackendServers',
        'Tags',
      ]),
    );
    expect(params.Tags).toEqual({ description: 'Accepted, not modelled.' });
    const events = (s.properties as Record<string, Json>).events;
    expect(JSON.stringify(events)).toContain('"$ref":"#/definitions/ActionParams"');
  });

  it('writes durations as patterns editors can check', () => {
    const text = schemaText();
    expect(text).toContain('"pattern": "^\\\\s*\\\\d+(?:\\\\.\\\\d+)?\\\\s*(?:us|µs|ms|s|m|h)?\\\\s*$"');
  });
});
