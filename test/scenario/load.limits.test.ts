/**
 * Resources are bounded whatever the input (issue 10 §2): what the loader reads (regular files,
 * at most MAX_SCENARIO_BYTES, UTF-8), how deep it nests, how many events and requests a scenario
 * may ask for. One regression test per case, named after what it used to do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioText, MAX_SCENARIO_BYTES } from '../../src/scenario/load.js';
import { MAX_EVENTS } from '../../src/scenario/scenario-compiler.js';
import { MAX_NESTING } from '../../src/scenario/source.js';
import { BASE, lines, problems, valid } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'slbsim-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LISTENER =
  '  - { action: CreateLoadBalancerHTTPListener, params: { LoadBalancerId: lb-1, ListenerPort: 80, BackendServerPort: 80 } }';

describe('only a regular file of bounded size is read', () => {
  it('refuses /dev/zero (was: 4.2 GB RSS after 30 s)', () => {
    expect(problems(loadScenario('/dev/zero'))).toEqual([
      '/dev/zero:1:1: FileUnreadable /dev/zero is a character device: a scenario must be a regular file (YAML or JSON)',
    ]);
  });

  it('refuses a FIFO with no writer (was: hangs)', () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(problems(loadScenario(fifo))).toEqual([
      `${fifo}:1:1: FileUnreadable ${fifo} is a FIFO (named pipe): a scenario must be a regular file (YAML or JSON)`,
    ]);
  });

  it('refuses a file over the size limit before parsing it (was: a 50 MB YAML took 3.5 GB and was killed)', () => {
    const big = join(dir, 'big.yaml');
    const line = '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1, PrivateIpAddress: 10.0.0.1 }\n';
    writeFileSync(big, `instances:\n${line.repeat(Math.ceil(MAX_SCENARIO_BYTES / line.length) + 1)}`);
    expect(problems(loadScenario(big))).toEqual([
      `${big}:1:1: FileTooLarge ${big} is 4.0 MiB; a scenario file may be at most 4.0 MiB (parsing takes about 70 bytes of memory per byte)`,
    ]);
  });

  it('refuses bytes that are not UTF-8, at the first bad one', () => {
    const bad = join(dir, 'latin1.yaml');
    writeFileSync(bad, Buffer.concat([Buffer.from('name: ok\ndescription: caf'), Buffer.from([0xe9, 0x0a])]));
    expect(problems(loadScenario(bad))).toEqual([
      `${bad}:2:17: FileUnreadable ${bad} is not UTF-8 text: an invalid byte sequence here`,
    ]);
  });

  it('refuses a trace that is a FIFO (was: "no such file", and a hang when replayed)', () => {
    const fifo = join(dir, 'trace.ndjson');
    execFileSync('mkfifo', [fifo]);
    const file = join(dir, 'traced.yaml');
    writeFileSync(file, lines(...BASE, LISTENER, 'traffic:', '  trace: trace.ndjson'));
    expect(problems(loadScenario(file))).toEqual([
      `${file}:9:10: TraceUnreadable traffic.trace: trace.ndjson is not a regular file (a FIFO, a device or a directory is never read)`,
    ]);
  });

  it('still reads an ordinary file', () => {
    const ok = join(dir, 'ok.yaml');
    writeFileSync(ok, lines(...BASE));
    expect(loadScenario(ok).ok).toBe(true);
  });
});

describe('nesting depth is limited', () => {
  it(`refuses 10 000-deep flow nesting (was: YamlSyntax Maximum call stack size exceeded)`, () => {
    const text = `name: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    expect(problems(loadScenarioText(text, 'deep.yaml'))).toEqual([
      `deep.yaml:1:${7 + MAX_NESTING}: YamlSyntax nesting deeper than ${MAX_NESTING} levels`,
    ]);
  });

  it('refuses deep block nesting and deep JSON the same way', () => {
    let block = '';
    for (let i = 0; i < 200; i++) block += `${'  '.repeat(i)}a:\n`;
    expect(problems(loadScenarioText(block, 'deep.yaml'))[0]).toMatch(
      /^deep\.yaml:\d+:\d+: YamlSyntax nesting deeper than 64 levels$/,
    );
    const json = `{"name": ${'['.repeat(500)}${']'.repeat(500)}}`;
    expect(problems(loadScenarioText(json, 'deep.json'))[0]).toMatch(
      /^deep\.json:1:\d+: JsonSyntax nesting deeper than 64 levels$/,
    );
  });

  it('accepts nesting up to the limit', () => {
    const r = loadScenarioText(
      `name: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\n`,
      'n.yaml',
    );
    expect(problems(r)).toEqual(['n.yaml:1:7: SchemaError name: expected a string, got a list']);
  });
});

describe('the size of a run is bounded', () => {
  it('refuses more OpenAPI events than the limit, before folding any', () => {
    const instances = Array.from(
      { length: MAX_EVENTS + 1 },
      (_, i) => `  - { InstanceId: i-${i}, RegionId: cn-hangzhou }`,
    );
    expect(problems(loadScenarioText(lines('instances:', ...instances), 'many.yaml'))).toEqual([
      `many.yaml:1:1: SchemaError the scenario compiles to ${MAX_EVENTS + 1} OpenAPI events (instances, topology, events, timeline); at most ${MAX_EVENTS} are allowed`,
    ]);
  });

  it('refuses traffic.requests: 1e12 (was: runs until killed)', () => {
    const r = loadScenarioText(
      lines(...BASE, LISTENER, 'traffic:', '  requests: 1e12', '  mix: [{ listener: "lb-1:http:80" }]'),
      'r.yaml',
    );
    expect(problems(r)).toEqual([
      "r.yaml:9:13: SchemaError traffic.requests: expected at most 10000000000 requests (one run's ceiling), got 1000000000000",
    ]);
  });

  it('refuses arrivalRate 1e12 (was: runs until killed)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        LISTENER,
        'traffic:',
        '  phases: [{ duration: 10s, arrivalRate: 1e12 }]',
        '  mix: [{ listener: "lb-1:http:80" }]',
      ),
      'r.yaml',
    );
    expect(problems(r)).toEqual([
      'r.yaml:9:11: SchemaError traffic.phases: the phases send about 1.00e+13 requests; one run sends at most 10000000000 (lower the rates or durations, or cap them with traffic.requests)',
    ]);
  });

  it('refuses a 1e9 s phase (was: runs until killed)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        LISTENER,
        'traffic:',
        '  phases: [{ duration: 1000000000s, arrivalRate: 100 }]',
        '  mix: [{ listener: "lb-1:http:80" }]',
      ),
      'r.yaml',
    );
    expect(problems(r)[0]).toContain('SchemaError traffic.phases: the phases send about 1.00e+11 requests');
  });

  it('accepts large phases capped by traffic.requests', () => {
    const s = valid(
      lines(
        ...BASE,
        LISTENER,
        'traffic:',
        '  requests: 1000',
        '  phases: [{ duration: 1000000s, arrivalRate: 1000000 }]',
        '  mix: [{ listener: "lb-1:http:80" }]',
      ),
    );
    expect(s.traffic?.requests).toBe(1000);
  });
});
