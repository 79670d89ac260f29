/**
 * Whatever the input, the CLI answers like a program, not like a crash (issue 10): fast-check
 * over the scenario grammar (random compositions of the format's own keys and values, valid and
 * not) and over raw bytes, each written to a file and given to `slbsim validate` and `slbsim run`
 * in-process. Every output is checked for a JavaScript stack frame, `node:internal` and the name
 * of an internal error class; every exit code is one of 0, 1, 2, 130 or 143; and the test process
 * stays under MEMORY_BOUND of peak RSS over all cases (the bound documented in docs/SCENARIO.md).
 *
 * `SLBSIM_FUZZ=10 npx vitest run test/cli/run-pipeline.fuzz.test.ts` runs ten times as many cases.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { register as run } from '../../src/cli/commands/run-command.js';
import { register as validate } from '../../src/cli/commands/validate-command.js';
import { type CliResult, runCommand } from '../helpers/cli.js';

const SCALE = Math.max(1, Number(process.env.SLBSIM_FUZZ ?? 1) || 1);
const runs = (n: number) => ({ numRuns: n * SCALE });

/** Peak resident memory the test process may reach while fuzzing (bytes). */
const MEMORY_BOUND = 1024 * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'slbsim-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stack frame (`    at f (file.js:1:2)`), Node internals, or an internal error class. */
const LEAKS = [
  /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m,
  /node:internal/,
  /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|EvalError|AggregateError|InternalError|ZodError|YAMLParseError|YAMLWarning|UnhandledPromiseRejection)\b/,
  /internal error/i,
];

function expectClean(r: CliResult): void {
  expect([0, 1, 2, 130, 143]).toContain(r.code);
  for (const leak of LEAKS) {
    expect(r.stdout).not.toMatch(leak);
    expect(r.stderr).not.toMatch(leak);
  }
  if (r.code === 2) expect(r.stderr.length).toBeGreaterThan(0);
}

let n = 0;
async function throughTheCli(content: string | Uint8Array, ext: 'yaml' | 'json'): Promise<void> {
  const file = join(dir, `${++n}.${ext}`);
  writeFileSync(file, content);
  try {
    const v = await runCommand(validate, ['validate', file]);
    expectClean(v);
    expect([0, 2]).toContain(v.code);
    if (v.code === 0) {
      const r = await runCommand(run, ['run', file, '--quiet', '--format', 'json']);
      expectClean(r);
      expect([0, 1]).toContain(r.code);
      expect(JSON.parse(r.stdout).partial).toBe(false);
    }
  } finally {
    rmSync(file, { force: true });
  }
  expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(MEMORY_BOUND);
}

// ---- the scenario grammar ---------------------------------------------------------------------

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const odd = oneOf<unknown>(null, '', -1, 0, 1.5, 1e12, 'x', [], {}, true, '__proto__', '9007199254740993us');
const wild = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 60, arbitrary: arb }, { weight: 1, arbitrary: odd });

const serverId = wild(oneOf('i-1', 'i-2', 'i-3', 'i-9'));
const port = wild(oneOf(80, 8080, 9000, 0, 70000));
const weight = wild(fc.integer({ min: 0, max: 120 }));
const duration = wild(
  oneOf<unknown>('0', '500ms', '1s', '2s', '5s', '1m', 3, '1h', '1500us', 'soon', '1000000001s'),
);
const listenerKey = wild(oneOf('lb-1:http:80', 'lb-1:tcp:3306', 'lb-1:http:81', 'lb-2:http:80', 'nope'));
const group = wild(oneOf('rsp-1', 'rsp-2', 'default', 'msg-1'));

const instance = fc.record(
  {
    InstanceId: serverId,
    RegionId: wild(oneOf('cn-hangzhou')),
    VpcId: maybe(wild(oneOf('vpc-1', 'vpc-2'))),
    Status: maybe(wild(oneOf('Running', 'Stopped'))),
  },
  { requiredKeys: ['InstanceId', 'RegionId'] },
);
const groupServer = fc.record(
  { server: serverId, port, weight: maybe(weight) },
  { requiredKeys: ['server', 'port'] },
);
const rule = fc.record(
  {
    name: wild(oneOf('api', 'web')),
    domain: maybe(wild(oneOf('api.example.com', '*.example.com'))),
    url: maybe(wild(oneOf('/v1', '/static'))),
    group,
    scheduler: maybe(wild(oneOf('wrr', 'rr', 'wlc'))),
  },
  { requiredKeys: ['name', 'group'] },
);
const listener = fc.record(
  {
    protocol: wild(oneOf('http', 'https', 'tcp', 'udp')),
    port: wild(oneOf(80, 81, 3306)),
    backendPort: maybe(port),
    group: maybe(group),
    scheduler: maybe(wild(oneOf('wrr', 'rr', 'wlc', 'sch', 'tch', 'qch'))),
    healthCheck: maybe(wild(oneOf<unknown>('on', 'off', { uri: '/health', interval: 2 }))),
    rules: maybe(fc.array(rule, { maxLength: 2 })),
  },
  { requiredKeys: ['protocol', 'port'] },
);
const loadBalancer = fc.record(
  {
    id: wild(oneOf('lb-1', 'lb-2')),
    region: wild(oneOf('cn-hangzhou')),
    vpc: maybe(wild(oneOf('vpc-1'))),
    defaultServers: maybe(fc.array(fc.record({ server: serverId, weight: maybe(weight) }), { maxLength: 3 })),
    vServerGroups: maybe(
      fc.array(fc.record({ id: group, servers: fc.array(groupServer, { maxLength: 3 }) }), { maxLength: 2 }),
    ),
    listeners: maybe(fc.array(listener, { maxLength: 3 })),
  },
  { requiredKeys: ['id', 'region'] },
);
const phase = fc.oneof(
  fc.record({ duration, arrivalRate: wild(fc.integer({ min: 0, max: 300 })) }),
  fc.record({ duration, arrivalCount: wild(fc.integer({ min: 0, max: 500 })) }),
  fc.record({ pause: duration }),
);
const traffic = fc.record(
  {
    requests: maybe(wild(fc.integer({ min: 1, max: 2000 }))),
    phases: maybe(fc.array(phase, { maxLength: 3 })),
    mix: maybe(
      fc.array(
        fc.record(
          {
            listener: listenerKey,
            host: maybe(wild(oneOf('api.example.com', 'www.example.com'))),
            path: maybe(wild(oneOf('/', '/v1/x'))),
          },
          { requiredKeys: ['listener'] },
        ),
        { maxLength: 3 },
      ),
    ),
    service: maybe(
      fc.record(
        { default: maybe(wild(oneOf<unknown>('5ms', { exponential: { mean: '10ms' } }))) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const timelineItem = fc.oneof(
  fc.record({
    at: duration,
    fault: wild(oneOf('BackendFailed', 'BackendRecovered')),
    ServerId: serverId,
    Port: maybe(port),
  }),
  fc.record({
    at: duration,
    action: wild(oneOf('StopInstance', 'StartInstance')),
    params: fc.record({ InstanceId: serverId }),
  }),
);
const scenario = fc.record(
  {
    name: maybe(wild(oneOf('fuzz'))),
    seed: maybe(wild(oneOf<unknown>('7', 42, 'canary'))),
    instances: maybe(fc.array(instance, { maxLength: 3 })),
    topology: maybe(fc.record({ loadBalancers: fc.array(loadBalancer, { maxLength: 2 }) })),
    timeline: maybe(fc.array(timelineItem, { maxLength: 3 })),
    traffic: maybe(traffic),
    simulation: maybe(
      fc.record(
        { cluster: maybe(wild(oneOf('1x1', '2x2', '0x1'))), until: maybe(duration) },
        { requiredKeys: [] },
      ),
    ),
    expect: maybe(
      fc.array(
        fc.oneof(fc.record({ maxFailed: wild(fc.nat(5)) }), fc.record({ minPValue: wild(oneOf(0.01)) })),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

/** JSON.stringify drops undefined; YAML gets the same plain data. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('the CLI on any input', () => {
  it('property: random scenarios of the grammar (YAML and JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.boolean(), async (s, json) => {
        const data = plain(s);
        await throughTheCli(json ? JSON.stringify(data, null, 1) : stringify(data), json ? 'json' : 'yaml');
      }),
      runs(120),
    );
  });

  it('property: values of the grammar at random places of a valid example', async () => {
    const base = parse(readFileSync('scenarios/seed-case.yaml', 'utf8'));
    const value = fc.oneof(odd, duration, port, weight, serverId, listenerKey, group, phase, timelineItem);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), value), { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        async (mutations, json) => {
          const doc = plain(base);
          for (const [where, v] of mutations) setAtRandomPlace(doc, where, plain(v ?? null));
          await throughTheCli(json ? JSON.stringify(doc) : stringify(doc), json ? 'json' : 'yaml');
        },
      ),
      runs(60),
    );
  });

  it('property: raw bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (bytes, json) => {
        await throughTheCli(bytes, json ? 'json' : 'yaml');
      }),
      runs(150),
    );
  });

  it('property: random byte edits of an example', async () => {
    const example = readFileSync('scenarios/seed-case.yaml');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: example.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (edits) => {
          const bytes = Buffer.from(example);
          for (const [at, byte] of edits) bytes[at] = byte;
          await throughTheCli(bytes, 'yaml');
        },
      ),
      runs(60),
    );
  });
});

/** Replace the value at a node chosen by `where` in a depth-first walk. */
function setAtRandomPlace(doc: unknown, where: number, value: unknown): void {
  const slots: Array<{ parent: Record<string | number, unknown>; key: string | number }> = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      slots.push({
        parent: node as Record<string | number, unknown>,
        key: Array.isArray(node) ? Number(k) : k,
      });
      walk(v);
    }
  };
  walk(doc);
  const slot = slots[Math.min(slots.length - 1, Math.floor(where * slots.length))];
  if (slot) slot.parent[slot.key] = value;
}
