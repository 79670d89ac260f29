/**
 * What an importer reads out of its input, before it becomes events: the ECS inventory and the
 * load balancers with their groups, listeners and rules, each value already under its OpenAPI
 * parameter name and each remembering the input node it came from (so a generated event can say
 * where it came from, and a value CLB would reject is reported at its place in the input).
 * The aliyun (Describe*) and Terraform importers both produce this; `event-plan.ts` turns it into
 * the Create…/Add…/Start… calls that rebuild it.
 */
import type { ListenerProtocol } from '../topology/types.js';
import type { JsonNode } from './json-input.js';

/** Where an imported piece came from. */
export interface Origin {
  /** The input record (a Describe response element, a Terraform resource's attributes). */
  readonly node: JsonNode;
  /** What it is, for comments and messages: `DescribeVServerGroupAttribute rsp-web`, `alicloud_slb_listener.http`. */
  readonly what: string;
}

/** API parameters, each with the input node it was read from. */
export class ParamSet {
  readonly values: Record<string, unknown> = {};
  readonly nodes: Record<string, JsonNode> = {};

  set(name: string, value: unknown, node: JsonNode): this {
    if (value === undefined) return this;
    this.values[name] = value;
    this.nodes[name] = node;
    return this;
  }

  get(name: string): unknown {
    return this.values[name];
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  delete(name: string): void {
    delete this.values[name];
    delete this.nodes[name];
  }
}

export interface ImportedInstance {
  readonly origin: Origin;
  readonly id: string;
  /** CreateInstance parameters without Status. */
  readonly params: ParamSet;
  readonly stopped: boolean;
}

/** A backend entry of the default server group, a VServer group or a primary/secondary group. */
export interface ImportedEntry {
  readonly origin: Origin;
  /** ServerId, Port, Weight, Type, ServerIp, Description, ServerType — as the group's kind takes them. */
  readonly params: ParamSet;
}

export interface ImportedGroup {
  readonly origin: Origin;
  readonly id: string;
  /** VServerGroupName or MasterSlaveServerGroupName. */
  readonly params: ParamSet;
  readonly entries: ImportedEntry[];
}

export interface ImportedRule {
  readonly origin: Origin;
  /** A RuleList item: RuleId, RuleName, Domain, Url, VServerGroupId, ListenerSync and the overrides. */
  readonly params: ParamSet;
}

export interface ImportedListener {
  readonly origin: Origin;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  /** Create…Listener parameters without LoadBalancerId. */
  readonly params: ParamSet;
  readonly running: boolean;
  readonly rules: ImportedRule[];
}

export interface ImportedLoadBalancer {
  readonly origin: Origin;
  readonly id: string;
  /** CreateLoadBalancer parameters. */
  readonly params: ParamSet;
  /** Where the default server group was read (when it has entries). */
  defaultOrigin?: Origin;
  readonly defaultServers: ImportedEntry[];
  readonly vServerGroups: ImportedGroup[];
  readonly masterSlaveGroups: ImportedGroup[];
  readonly listeners: ImportedListener[];
}

export interface ImportedTopology {
  readonly instances: readonly ImportedInstance[];
  readonly loadBalancers: readonly ImportedLoadBalancer[];
}
