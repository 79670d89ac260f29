/**
 * The engine benchmark's model (bench/engine-10m.yaml) with a timeline that moves its listener's
 * default route to other groups: the requests of one template change scope, and so shard, mid-run.
 * Written into `dir`; returns the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `moves`: [when, VServer group] of each SetLoadBalancerHTTPListenerAttribute; `requests` replaces the model's 10 M. */
export function writeMovingScenario(
  dir: string,
  moves: readonly (readonly [string, string])[],
  requests?: number,
): string {
  const file = join(dir, 'moving.yaml');
  const timeline = moves
    .map(
      ([at, group]) =>
        `  - { at: ${at}, action: SetLoadBalancerHTTPListenerAttribute, params: { LoadBalancerId: lb-bench, ListenerPort: 80, VServerGroupId: ${group} } }\n`,
    )
    .join('');
  let text = readFileSync('bench/engine-10m.yaml', 'utf8').replace(
    'traffic:\n',
    `timeline:\n${timeline}traffic:\n`,
  );
  if (requests !== undefined) text = text.replace('requests: 10000000', `requests: ${requests}`);
  writeFileSync(file, text);
  return file;
}
