/** Scenario text for live-run tests, loaded with the real loader. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioText } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';

/** lb-t: one HTTP listener on 80 over rsp-w {5,1,1}; health checks every second, thresholds 2/2. */
export function scenarioText(extra = '', traffic = 'requests: 700'): string {
  return `version: 1
name: live-test
seed: t1
instances:
  - { InstanceId: i-a, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-b, RegionId: cn-hangzhou, VpcId: vpc-1 }
  - { InstanceId: i-c, RegionId: cn-hangzhou, VpcId: vpc-1 }
topology:
  loadBalancers:
    - id: lb-t
      region: cn-hangzhou
      addressType: intranet
      vpc: vpc-1
      vServerGroups:
        - id: rsp-w
          name: web
          servers:
            - { server: i-a, port: 8080, weight: 5 }
            - { server: i-b, port: 8080, weight: 1 }
            - { server: i-c, port: 8080, weight: 1 }
      listeners:
        - protocol: http
          port: 80
          group: rsp-w
          healthCheck: { interval: 1, healthyThreshold: 2, unhealthyThreshold: 2 }
${extra}
traffic:
  ${traffic}
  mix:
    - { listener: "lb-t:http:80", host: www.example.com, path: / }
`;
}

export function loadText(text: string): Scenario {
  const r = loadScenarioText(text, 'live-test.yaml');
  if (!r.ok)
    throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.scenario;
}

/** Write scenario text to a temporary file; returns its path. */
export function scenarioFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slbsim-live-test-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}
