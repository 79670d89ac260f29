/** The scheduler vocabulary is defined once; the API's validation, the schema and the docs read it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';
import { fold } from '../../src/topology/apply.js';
import {
  CONSISTENT_HASH_NAMES,
  DEFAULT_SCHEDULER,
  isConsistentHash,
  L7_SCHEDULER_NAMES,
  needsGuaranteedSpec,
  SCHEDULER_NAMES,
  type SchedulerName,
  schedulerLayers,
  schedulerProtocols,
} from '../../src/topology/scheduler-names.js';
import type { ListenerProtocol } from '../../src/topology/types.js';

const PROTOCOLS: readonly ListenerProtocol[] = ['http', 'https', 'tcp', 'udp'];
const CREATE: Record<ListenerProtocol, string> = {
  http: 'CreateLoadBalancerHTTPListener',
  https: 'CreateLoadBalancerHTTPSListener',
  tcp: 'CreateLoadBalancerTCPListener',
  udp: 'CreateLoadBalancerUDPListener',
};

/** Whether CreateLoadBalancer…Listener accepts the scheduler on a guaranteed-performance instance. */
function accepted(protocol: ListenerProtocol, Scheduler: SchedulerName, spec = true): boolean {
  const { results } = fold([
    {
      action: 'CreateLoadBalancer',
      params: {
        LoadBalancerId: 'lb-1',
        RegionId: 'cn-hangzhou',
        ...(spec ? { LoadBalancerSpec: 'slb.s2.small' } : {}),
      },
    },
    {
      action: CREATE[protocol],
      params: {
        LoadBalancerId: 'lb-1',
        ListenerPort: 80,
        BackendServerPort: 80,
        Scheduler,
        ...(protocol === 'https' ? { ServerCertificateId: 'cert-1' } : {}),
      },
    },
  ] as never);
  return results[1].ok;
}

describe('the scheduler vocabulary', () => {
  it('lists the six names, wrr the default, the layer-7 three and the consistent-hash three', () => {
    expect(SCHEDULER_NAMES).toEqual(['wrr', 'rr', 'wlc', 'sch', 'tch', 'qch']);
    expect(DEFAULT_SCHEDULER).toBe('wrr');
    expect(L7_SCHEDULER_NAMES).toEqual(SCHEDULER_NAMES.filter((n) => !isConsistentHash(n)));
    expect(CONSISTENT_HASH_NAMES).toEqual(SCHEDULER_NAMES.filter((n) => isConsistentHash(n)));
    expect(SCHEDULER_NAMES.map((n) => needsGuaranteedSpec(n))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(SCHEDULER_NAMES.map((n) => schedulerLayers(n)[0])).toEqual([7, 7, 7, 4, 4, 4]);
  });

  it('is what the listener actions accept, protocol by protocol (clb-semantics.md §4.1)', () => {
    for (const name of SCHEDULER_NAMES)
      for (const protocol of PROTOCOLS)
        expect(accepted(protocol, name), `${name} on ${protocol}`).toBe(
          schedulerProtocols(name).includes(protocol),
        );
    for (const name of CONSISTENT_HASH_NAMES) expect(accepted('udp', name, false), name).toBe(false);
  });

  it('is what the schema offers listeners and rules', () => {
    const text = JSON.stringify(scenarioJsonSchema());
    expect(text).toContain(JSON.stringify(SCHEDULER_NAMES));
    expect(text).toContain(JSON.stringify(L7_SCHEDULER_NAMES));
  });

  it('is what docs/SCENARIO.md and docs/REPORT.md list', () => {
    const scenario = readFileSync('docs/SCENARIO.md', 'utf8');
    expect(scenario).toContain(
      `scheduler: ${DEFAULT_SCHEDULER}          # ${DEFAULT_SCHEDULER} (default) | ${SCHEDULER_NAMES.slice(1).join(' | ')}`,
    );
    expect(scenario).toContain(`\`scheduler\` (${L7_SCHEDULER_NAMES.map((n) => `\`${n}\``).join(' \\| ')})`);
    const report = readFileSync('docs/REPORT.md', 'utf8');
    expect(report).toContain(
      `${SCHEDULER_NAMES.map((n) => `\`${n}\``).join(', ')}, or \`primary-secondary\``,
    );
  });
});
