/**
 * Which modelled service time applies to a request a live backend serves: the backend's own entry
 * (`ServerId:Port`, then `ServerId`), else its group's (the group the proxy scheduled the request
 * in, `default` for the default pool), else the scenario's default. Draws use the engine's
 * `ServiceTimeSampler` so live and simulated service times come from the same distributions.
 */
import type { Distribution, ServiceModel } from '../scenario/scenario-model.js';

/**
 * The distribution for a request served by `ServerId:Port` through `group` (VServerGroupId, or
 * `default` for the default pool; undefined when unknown, e.g. behind an external balancer).
 */
export function serviceFor(
  model: ServiceModel | undefined,
  serverId: string,
  port: number,
  group: string | undefined,
): Distribution | undefined {
  if (model === undefined) return undefined;
  return (
    model.backends[`${serverId}:${port}`] ??
    model.backends[serverId] ??
    (group === undefined ? undefined : model.groups[group]) ??
    model.default
  );
}

/** True when any request can have a service time (otherwise backends answer at once). */
export function hasServiceModel(model: ServiceModel | undefined): boolean {
  if (model === undefined) return false;
  return (
    model.default !== undefined ||
    Object.keys(model.groups).length > 0 ||
    Object.keys(model.backends).length > 0
  );
}
