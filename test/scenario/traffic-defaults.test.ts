/** The traffic defaults are defined once; the compiler, the schema and the docs read them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';
import { DEFAULT_CLIENTS, DEFAULT_RATE, SINGLE_CLIENT } from '../../src/scenario/traffic-defaults.js';

describe('the traffic defaults', () => {
  it('given traffic without clients, when compiled, then the clients are the defaults', () => {
    const r = loadScenario('scenarios/shared-ecs.yaml');
    if (!r.ok) expect.fail('scenarios/shared-ecs.yaml should load');
    expect(r.scenario.traffic?.clients).toEqual(DEFAULT_CLIENTS);
  });

  it('has one client, no cookie jar, at the first default address where there is no client model', () => {
    expect(SINGLE_CLIENT).toEqual({
      ips: 1,
      portsPerIp: 1,
      firstIp: DEFAULT_CLIENTS.firstIp,
      firstPort: DEFAULT_CLIENTS.firstPort,
      keepCookies: false,
    });
  });

  it('is what the schema describes', () => {
    const text = JSON.stringify(scenarioJsonSchema());
    expect(text).toContain(`Distinct client source IPs (default ${DEFAULT_CLIENTS.ips}).`);
    expect(text).toContain(`Distinct source ports per IP (default ${DEFAULT_CLIENTS.portsPerIp}).`);
    expect(text).toContain(`(default ${DEFAULT_CLIENTS.firstIp})`);
    expect(text).toContain(`First source port (default ${DEFAULT_CLIENTS.firstPort}).`);
    expect(text).toContain(`(default ${DEFAULT_CLIENTS.keepCookies})`);
    expect(text).toContain(`a uniform stream of ${DEFAULT_RATE} requests/s`);
  });

  it('is what docs/MODEL.md and docs/SCENARIO.md state', () => {
    const model = readFileSync('docs/MODEL.md', 'utf8');
    const c = DEFAULT_CLIENTS;
    expect(model).toContain(
      `| Client defaults | ${c.ips} source IPs from ${c.firstIp}, ${c.portsPerIp} ports each from ${c.firstPort}, cookies kept`,
    );
    expect(model).toContain(`\`requests\` alone (the engine sends them at ${DEFAULT_RATE} req/s uniform)`);
    const scenario = readFileSync('docs/SCENARIO.md', 'utf8');
    expect(scenario).toContain(`that many requests at ${DEFAULT_RATE}/s`);
    expect(scenario).toContain(`# distinct source IPs (default ${c.ips})`);
    expect(scenario).toContain(`# distinct source ports per IP (default ${c.portsPerIp})`);
    expect(scenario).toContain(`firstIp: ${c.firstIp}         # (default)`);
    expect(scenario).toContain(`firstPort: ${c.firstPort}          # (default)`);
  });
});
