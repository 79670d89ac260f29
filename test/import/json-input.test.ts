import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { JsonNode, parseJsonText, syntaxErrorAt } from '../../src/import/json-input.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('syntaxErrorAt agrees with JSON.parse', () => {
  it('on JSON, JSON with one character cut out, and arbitrary text', () => {
    const cut = fc
      .tuple(fc.json(), fc.nat())
      .map(([j, n]) => (j.length === 0 ? j : j.slice(0, n % j.length) + j.slice((n % j.length) + 1)));
    fc.assert(
      fc.property(fc.oneof(fc.json(), cut, fc.string()), (text) => {
        expect(syntaxErrorAt(text) === -1).toBe(parses(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseJsonText', () => {
  const at = (text: string) => parseJsonText(text, 'f.json').diagnostics.map(formatDiagnostic);

  it('puts an unexpected token where the grammar fails, without V8’s excerpt of the input', () => {
    expect(at('{\n  "a": {},\n  "b": tru\n}\n')).toEqual(["f.json:3:8: JsonSyntax Unexpected token 'tru'"]);
    expect(at('[1, 2,]')).toEqual(["f.json:1:7: JsonSyntax Unexpected token ']'"]);
    expect(at('{"a": x}')).toEqual(["f.json:1:7: JsonSyntax Unexpected token 'x'"]);
    expect(at('   ')).toEqual(['f.json:1:1: JsonSyntax the file is empty: expected a JSON document']);
  });

  it('keeps every value’s position', () => {
    const { json } = parseJsonText('{\n  "A": {\n    "B": [1, "two"]\n  }\n}\n', 'f.json');
    if (!json) throw new Error('parses');
    const two = JsonNode.root(json).at('A').at('B').at(1);
    expect(two.value).toBe('two');
    expect(two.pos()).toEqual({ file: 'f.json', line: 3, col: 14, field: 'A.B[1]' });
    expect(JsonNode.root(json).at('A').at('Missing').pos()).toMatchObject({ line: 2, col: 8 });
  });
});
