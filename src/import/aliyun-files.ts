/**
 * Which Describe call a saved JSON response is, recognised by its shape (its keys), not by its
 * file name: the raw OpenAPI response and the `aliyun` CLI's output are the same JSON. A file may
 * also hold an array of responses. The name only helps where the response itself does not say —
 * a listener attribute does not name its protocol's layer-7 variant, and no listener attribute
 * names its load balancer (`protocolInName`; the join looks for load balancer ids in paths).
 *
 * Lists come in the API's wrapper `{"BackendServers": {"BackendServer": [...]}}`; `unwrap` also
 * takes a bare array, a single object (as XML-to-JSON converters write a one-element list), `{}`
 * and `""` (an empty list).
 */
import { basename } from 'node:path';
import type { ListenerProtocol } from '../topology/types.js';
import type { ImportLog } from './import-log.js';
import { isEmpty, isObject, type JsonNode } from './json-input.js';

export type DescribeKind =
  | 'DescribeInstances'
  | 'DescribeLoadBalancers'
  | 'DescribeLoadBalancerAttribute'
  | 'DescribeVServerGroups'
  | 'DescribeVServerGroupAttribute'
  | 'DescribeMasterSlaveServerGroups'
  | 'DescribeMasterSlaveServerGroupAttribute'
  | 'DescribeLoadBalancerListenerAttribute'
  | 'DescribeRules'
  | 'DescribeRuleAttribute';

export interface DescribeResponse {
  readonly kind: DescribeKind;
  readonly node: JsonNode;
  /** Listener attributes: the protocol when the response's shape tells it. */
  readonly protocol?: ListenerProtocol;
  /** Listener attributes: the layer when only the shape tells it. */
  readonly layer?: 4 | 7;
}

/** Keys every response may carry and nothing models: never listed as ignored. */
export const META_KEYS = new Set([
  'RequestId',
  'TotalCount',
  'PageNumber',
  'PageSize',
  'NextToken',
  'MaxResults',
]);

/** The items of a wrapped list `node` = `{"<inner>": [...]}` (or a bare array, one object, `{}`, `""`). */
export function unwrap(node: JsonNode, inner: string, log: ImportLog): JsonNode[] {
  const v = node.value;
  if (isEmpty(v)) return [];
  if (Array.isArray(v)) return node.items();
  if (isObject(v)) {
    if (Object.keys(v).length === 0) return [];
    const list = node.at(inner);
    if (Array.isArray(list.value)) return list.items();
    if (isObject(list.value)) return [list];
    if (isEmpty(list.value)) return [];
  }
  log.error(node, 'UnknownShape', `expected a list wrapped as {"${inner}": [...]}`);
  return [];
}

function wraps(node: JsonNode, outer: string, inner: string): boolean {
  const v = node.at(outer).value;
  return isObject(v) && (inner in v || Object.keys(v).length === 0);
}

const HTTPS_KEYS = [
  'ServerCertificateId',
  'CACertificateId',
  'TLSCipherPolicy',
  'EnableHttp2',
  'DomainExtensions',
];
const TCP_KEYS = ['EstablishedTimeout', 'SynProxy', 'ConnectionDrain', 'ConnectionDrainTimeout'];
const UDP_KEYS = ['HealthCheckReq', 'HealthCheckExp', 'QuicVersion'];
const L7_KEYS = [
  'StickySession',
  'StickySessionType',
  'CookieTimeout',
  'Cookie',
  'XForwardedFor',
  'Gzip',
  'Rules',
  'IdleTimeout',
  'RequestTimeout',
  'ListenerForward',
  'HealthCheckTimeout',
  'SecurityStatus',
];
const L4_KEYS = [
  'PersistenceTimeout',
  'HealthCheckConnectTimeout',
  'MasterSlaveServerGroupId',
  'HealthCheckSwitch',
];

const PROTOCOLS: readonly ListenerProtocol[] = ['http', 'https', 'tcp', 'udp'];

/**
 * The protocol a file name names: the call's own name (`…HTTPSListenerAttribute…`) or a word of it
 * (`lb-1.tcp-443.json`; the last one when there are several). `ids` (load balancer ids, which may
 * hold such words themselves) are cut out first.
 */
export function protocolInName(file: string, ids: Iterable<string> = []): ListenerProtocol | undefined {
  let name = basename(file).toLowerCase();
  for (const id of ids) name = name.split(id.toLowerCase()).join(' ');
  const call = /loadbalancer(https|http|tcp|udp)listener/.exec(name);
  if (call) return call[1] as ListenerProtocol;
  const words = [...name.matchAll(/(?:^|[^a-z])(https|http|tcp|udp)(?=[^a-z]|$)/g)];
  return words.length > 0 ? (words[words.length - 1][1] as ListenerProtocol) : undefined;
}

function listenerShape(node: JsonNode): { protocol?: ListenerProtocol; layer?: 4 | 7 } {
  const given = node.at('ListenerProtocol').value;
  if (typeof given === 'string' && (PROTOCOLS as readonly string[]).includes(given.toLowerCase()))
    return { protocol: given.toLowerCase() as ListenerProtocol };
  const keys = new Set(node.keys());
  const any = (ks: readonly string[]) => ks.some((k) => keys.has(k));
  if (any(HTTPS_KEYS)) return { protocol: 'https' };
  if (any(TCP_KEYS)) return { protocol: 'tcp' };
  if (any(UDP_KEYS)) return { protocol: 'udp' };
  const l7 = any(L7_KEYS);
  const l4 = any(L4_KEYS);
  if (l7 && !l4) return { layer: 7 };
  if (l4 && !l7) return { layer: 4 };
  return {};
}

function listenerResponse(node: JsonNode): DescribeResponse {
  const shape = listenerShape(node);
  return { kind: 'DescribeLoadBalancerListenerAttribute', node, ...shape };
}

/** What `node` (a response object) is, or undefined when no known Describe call has this shape. */
export function recognize(node: JsonNode): DescribeResponse | undefined {
  if (!node.isObject()) return undefined;
  const has = (k: string) => node.has(k);
  if (wraps(node, 'Instances', 'Instance')) return { kind: 'DescribeInstances', node };
  if (wraps(node, 'LoadBalancers', 'LoadBalancer')) return { kind: 'DescribeLoadBalancers', node };
  if (wraps(node, 'VServerGroups', 'VServerGroup')) return { kind: 'DescribeVServerGroups', node };
  if (wraps(node, 'MasterSlaveServerGroups', 'MasterSlaveServerGroup'))
    return { kind: 'DescribeMasterSlaveServerGroups', node };
  if (has('MasterSlaveServerGroupId') && !has('ListenerPort'))
    return { kind: 'DescribeMasterSlaveServerGroupAttribute', node };
  if (has('VServerGroupId') && !has('ListenerPort') && !has('RuleId'))
    return { kind: 'DescribeVServerGroupAttribute', node };
  if (has('RuleId')) return { kind: 'DescribeRuleAttribute', node };
  if (has('ListenerPort')) return listenerResponse(node);
  if (has('LoadBalancerId')) return { kind: 'DescribeLoadBalancerAttribute', node };
  if (wraps(node, 'Rules', 'Rule')) return { kind: 'DescribeRules', node };
  return undefined;
}

/** The responses in a parsed file: the root object, or each element of a root array. */
export function responsesIn(root: JsonNode, log: ImportLog): DescribeResponse[] {
  const nodes = Array.isArray(root.value) ? root.items() : [root];
  const out: DescribeResponse[] = [];
  for (const node of nodes) {
    if (node.isObject() && node.has('Code') && node.has('Message') && !node.has('LoadBalancerId')) {
      log.error(
        node,
        'ErrorResponse',
        `this is an error response (${String(node.at('Code').value)}: ${String(node.at('Message').value)}), not a Describe result`,
      );
      continue;
    }
    const r = recognize(node);
    if (r) out.push(r);
    else
      log.error(
        node,
        'UnknownShape',
        `not a response of a Describe call the import reads (DescribeLoadBalancers, DescribeLoadBalancerAttribute, ` +
          `DescribeVServerGroups, DescribeVServerGroupAttribute, DescribeMasterSlaveServerGroups, ` +
          `DescribeMasterSlaveServerGroupAttribute, DescribeLoadBalancer{HTTP,HTTPS,TCP,UDP}ListenerAttribute, ` +
          `DescribeRules, DescribeRuleAttribute, ECS DescribeInstances)` +
          (node.isObject() ? `; its keys: ${node.keys().slice(0, 8).join(', ') || 'none'}` : ''),
      );
  }
  return out;
}

/** The listener attribute's call name for `protocol`. */
export function listenerCall(protocol: ListenerProtocol | undefined): string {
  return protocol === undefined
    ? 'DescribeLoadBalancer{HTTP,HTTPS,TCP,UDP}ListenerAttribute'
    : `DescribeLoadBalancer${protocol.toUpperCase()}ListenerAttribute`;
}
