/**
 * The loader never throws and never fails unexpectedly, whatever it is given: random text, random
 * YAML-ish token soup, random edits of the example files, and random values at random places of a
 * valid scenario. Each input gives either a scenario (whose fold and checks also run) or
 * diagnostics with a real position — never an InternalError.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkScenario } from '../../src/scenario/check.js';
import { stateAt } from '../../src/scenario/fold-at.js';
import { loadScenario, loadScenarioText } from '../../src/scenario/load.js';

/** `SLBSIM_FUZZ=10 npx vitest run test/scenario/load.fuzz.test.ts` runs ten times as many cases. */
const SCALE = Math.max(1, Number(process.env.SLBSIM_FUZZ ?? 1) || 1);
const runs = (n: number) => ({ numRuns: n * SCALE });

function loadsCleanly(text: string, file: string): boolean {
  const r = loadScenarioText(text, file);
  if (r.ok) {
    stateAt(r.scenario);
    checkScenario(r.scenario);
    return true;
  }
  expect(r.diagnostics.length).toBeGreaterThan(0);
  for (const d of r.diagnostics) {
    expect(d.code).not.toBe('InternalError');
    expect(d.file).toBe(file);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  return true;
}

const EXAMPLES = [
  'scenarios/seed-case.yaml',
  'scenarios/seed-case-events.yaml',
  'scenarios/shared-ecs.yaml',
  'scenarios/shared-group.yaml',
].map((f) => readFileSync(f, 'utf8'));

const TOKENS = [
  'topology:',
  'loadBalancers:',
  'events:',
  'timeline:',
  'traffic:',
  'expect:',
  'instances:',
  'action: ',
  'params: ',
  'CreateVServerGroup',
  'BackendServers',
  'ServerId: i-1',
  'Port: 80',
  'Weight: 150',
  'at: 30s',
  'at: -1',
  '- ',
  '  ',
  '    ',
  '\n',
  '\t',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  '&a ',
  '*a',
  '<<: ',
  '# c',
  '!!str ',
  '? ',
  '|',
  '>',
  '%YAML 1.1',
  '---',
  '...',
  'null',
  '~',
  'true',
  '1e999',
  '0x1F',
  '"\\u0000"',
  'é',
  '😀',
  'µs',
];

describe('the loader never throws', () => {
  it('on arbitrary text (YAML and JSON)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.boolean(), (text, json) =>
        loadsCleanly(text, json ? 'f.json' : 'f.yaml'),
      ),
      runs(400),
    );
  });

  it('on raw bytes read from a file (any encoding, NUL and control bytes included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slbsim-bytes-'));
    try {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, json) => {
          const file = join(dir, json ? 'f.json' : 'f.yaml');
          writeFileSync(file, bytes);
          const r = loadScenario(file);
          if (r.ok) return true;
          for (const d of r.diagnostics) {
            expect(d.code).not.toBe('InternalError');
            expect(d.file).toBe(file);
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.col).toBeGreaterThanOrEqual(1);
          }
          return true;
        }),
        runs(300),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on YAML-ish token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), fc.boolean(), (tokens, json) =>
        loadsCleanly(tokens.join(''), json ? 'f.json' : 'f.yaml'),
      ),
      runs(400),
    );
  });

  it('on random edits of the example files', () => {
    const edit = fc.record({
      example: fc.nat({ max: EXAMPLES.length - 1 }),
      edits: fc.array(
        fc.record({
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          remove: fc.nat({ max: 40 }),
          insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(edit, ({ example, edits }) => {
        let text = EXAMPLES[example];
        for (const e of edits) {
          const i = Math.floor(e.at * text.length);
          text = text.slice(0, i) + e.insert + text.slice(i + e.remove);
        }
        return loadsCleanly(text, 'edited.yaml');
      }),
      runs(300),
    );
  });

  it('on random values at random places of a valid scenario (YAML and JSON)', () => {
    const base = loadScenarioText(EXAMPLES[0], 'seed.yaml');
    expect(base.ok).toBe(true);
    const data: unknown = parse(EXAMPLES[0]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.jsonValue({ maxDepth: 2 })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        (mutations, json) => {
          const doc = JSON.parse(JSON.stringify(data));
          for (const [where, value] of mutations) setAtRandomPlace(doc, where, value);
          const text = json ? JSON.stringify(doc, null, 2) : stringify(doc);
          return loadsCleanly(text, json ? 'mutated.json' : 'mutated.yaml');
        },
      ),
      runs(300),
    );
  });
});

/** Replace (or add) a value at a node chosen by `where` in a depth-first walk. */
function setAtRandomPlace(doc: unknown, where: number, value: unknown): void {
  const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      n.forEach((v, i) => {
        slots.push({ parent: n, key: i });
        walk(v);
      });
    } else if (n !== null && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        slots.push({ parent: n as Record<string, unknown>, key: k });
        walk(v);
      }
    }
  };
  walk(doc);
  if (slots.length === 0) return;
  const { parent, key } = slots[Math.min(slots.length - 1, Math.floor(where * slots.length))];
  (parent as Record<string | number, unknown>)[key] = value;
}
