/**
 * The scenario file format: ONE zod schema that validates every file and also emits the JSON
 * Schema shipped as `schema/scenario.schema.json` (editor completion via yaml-language-server or
 * `"$schema"` in JSON). It describes the file as written (durations as `30s`, listeners as
 * `lb:http:80`); `scenario-compiler.ts` turns a validated file into the `Scenario` model.
 *
 * Vocabulary: ECS inventory and raw events use the OpenAPI's own PascalCase names; the
 * declarative `topology:` reads like the CLB console's steps; traffic borrows Artillery's
 * (`phases`, `arrivalRate`, `rampTo`, `arrivalCount`, `pause`, `mode`), expectations k6's
 * thresholds. See docs/SCENARIO.md.
 */

import * as z from 'zod';
import { acceptedParams, modelledParams } from '../topology/apply.js';
import { ACTIONS } from '../topology/events.js';
import { DEFAULT_SCHEDULER, L7_SCHEDULER_NAMES, SCHEDULER_NAMES } from '../topology/scheduler-names.js';
import { GUARANTEED_SPECS } from '../topology/types.js';
import { LISTENER_KEY_PATTERN } from './listener-key.js';
import { DEFAULT_CLIENTS, DEFAULT_RATE } from './traffic-defaults.js';

/** Marks the message of an unknown-key issue so the diagnostics can list the allowed keys. */
export const ALLOWED_KEYS_MARK = 'allowed keys: ';
/** The message of every duration issue (diagnostic code `BadDuration`). */
export const DURATION_MESSAGE =
  'expected a duration such as 500ms, 30s, 2m, 1h or 1500us (a bare number means seconds)';

/** The most requests one run may send (also checked on what the phases send, in the compiler). */
export const MAX_REQUESTS_PER_RUN = 1e10;

/** The text form `parseDuration` (src/util/duration.ts) reads. */
export const DURATION_PATTERN = /^\s*\d+(?:\.\d+)?\s*(?:us|µs|ms|s|m|h)?\s*$/;
export const CLUSTER_PATTERN = /^\s*\d+\s*[xX×]\s*\d+\s*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A mapping that rejects unknown keys, naming the allowed ones. */
function obj<S extends z.ZodRawShape>(shape: S, description?: string) {
  const keys = Object.keys(shape).join(', ');
  const schema = z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `${ALLOWED_KEYS_MARK}${keys}` : undefined),
  });
  return description === undefined ? schema : schema.meta({ description });
}

function duration(description: string) {
  return z
    .union(
      [
        z.number().nonnegative({ error: DURATION_MESSAGE }),
        z.string().regex(DURATION_PATTERN, DURATION_MESSAGE),
      ],
      { error: DURATION_MESSAGE },
    )
    .meta({ description });
}

function int(min: number, max: number, description: string) {
  const error = `expected an integer ${min}–${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).meta({ description });
}

const text = (description: string) => z.string().min(1).meta({ description });
const id = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'expected an id: letters, digits, "-", "_" or "." (e.g. rsp-api)')
    .meta({ description });
const ipv4 = (description: string) =>
  z.string().regex(IPV4, 'expected an IPv4 address such as 10.0.0.1').meta({ description });
const listenerKey = (description: string) =>
  z
    .string()
    .regex(
      LISTENER_KEY_PATTERN,
      'expected a listener as <LoadBalancerId>:<http|https|tcp|udp>:<port>, e.g. lb-seed:http:80',
    )
    .meta({ description });
const onOffOrBool = z.union([z.enum(['on', 'off']), z.boolean()], {
  error: 'expected on, off, true or false',
});
const extraParams = (action: string) =>
  z.record(z.string(), z.unknown()).meta({
    description: `More ${action} API parameters, passed through verbatim (e.g. documented parameters the declarative form does not name).`,
  });

// ---- ECS inventory ------------------------------------------------------------------------------

const Instance = obj(
  {
    InstanceId: id('ECS instance id, e.g. i-web1.'),
    InstanceName: text('Instance name.').optional(),
    RegionId: text('Region, e.g. cn-hangzhou.'),
    ZoneId: text('Zone, e.g. cn-hangzhou-h.').optional(),
    NetworkType: z
      .enum(['classic', 'vpc'])
      .meta({ description: 'Default: vpc when VpcId is given, else classic.' })
      .optional(),
    VpcId: text('VPC of a VPC instance.').optional(),
    Status: z.enum(['Running', 'Stopped']).meta({ description: 'Default Running.' }).optional(),
    PrivateIpAddress: ipv4('Private IPv4 address.').optional(),
  },
  'An ECS instance (DescribeInstances fields); compiled to a CreateInstance event at time 0.',
);

// ---- raw OpenAPI events ---------------------------------------------------------------------------

const Action = z
  .enum(ACTIONS)
  .meta({ description: 'OpenAPI action (API version 2014-05-15), e.g. CreateVServerGroup.' });
const Params = z.record(z.string(), z.unknown()).meta({
  description: "The action's request parameters with the API's own names; lists as arrays or JSON strings.",
});

export const RawEvent = obj(
  {
    at: duration('When the call happens, from the scenario start (default 0).').optional(),
    action: Action,
    params: Params.optional(),
    description: z.string().meta({ description: 'A note for readers.' }).optional(),
  },
  'One OpenAPI call.',
);

const TimelineAction = obj(
  {
    at: duration('When the call happens, from the scenario start.'),
    action: Action,
    params: Params.optional(),
    description: z.string().meta({ description: 'A note for readers.' }).optional(),
  },
  'A topology change at a time: any OpenAPI call (StopInstance/StartInstance included).',
);

const Fault = obj(
  {
    at: duration('When the backend fails or recovers.'),
    fault: z.enum(['BackendFailed', 'BackendRecovered']).meta({
      description:
        'BackendFailed: the process stops answering (noticed after the health check would notice). BackendRecovered: it answers again.',
    }),
    ServerId: id('The ECS (or ENI/ECI) id.'),
    Port: int(1, 65535, 'The backend port; absent = every port of the server.').optional(),
    description: z.string().meta({ description: 'A note for readers.' }).optional(),
  },
  'A backend failure or recovery.',
);

// ---- declarative topology -------------------------------------------------------------------------

const BackendType = z.enum(['ecs', 'eni', 'eci']).meta({ description: 'Backend type (default ecs).' });
const Weight = int(0, 100, 'Weight 0–100 (default 100); 0 takes the server out of rotation.');

const DefaultServer = obj(
  {
    server: id('ECS (or ENI/ECI) id.'),
    weight: Weight.optional(),
    type: BackendType.optional(),
    serverIp: ipv4('IP of an ENI/ECI backend.').optional(),
    description: text('Description (1–80 chars).').optional(),
  },
  'A server of the default server group: no port, listeners use their backendPort.',
);

const GroupServer = obj(
  {
    server: id('ECS (or ENI/ECI) id.'),
    port: int(1, 65535, 'Backend port on this server.'),
    weight: Weight.optional(),
    type: BackendType.optional(),
    serverIp: ipv4('IP of an ENI/ECI backend.').optional(),
    description: text('Description (1–80 chars).').optional(),
  },
  'A server of a VServer group: one ECS on one port.',
);

const VServerGroupDecl = obj(
  {
    id: id('VServerGroupId, used by listeners, rules, service times and expectations (e.g. rsp-web).'),
    name: text('VServerGroupName (default: the id).').optional(),
    networkType: z
      .enum(['vpc', 'classic'])
      .meta({ description: 'The network type whose servers the group takes (checked against `instances`).' })
      .optional(),
    servers: z
      .array(GroupServer)
      .meta({ description: 'Selected servers, each with port and weight, in order.' })
      .optional(),
  },
  'A VServer group (CreateVServerGroup, then AddVServerGroupBackendServers in batches of 20).',
);

const MasterSlaveServer = obj(
  {
    server: id('ECS (or ENI/ECI) id.'),
    port: int(1, 65535, 'Backend port on this server.'),
    serverType: z.enum(['Master', 'Slave']).meta({ description: 'Master (primary) or Slave (secondary).' }),
    weight: Weight.optional(),
    type: BackendType.optional(),
    serverIp: ipv4('IP of an ENI/ECI backend.').optional(),
    description: text('Description.').optional(),
  },
  'One of the two servers of a primary/secondary group.',
);

const MasterSlaveGroupDecl = obj(
  {
    id: id('MasterSlaveServerGroupId (e.g. msg-db).'),
    name: text('MasterSlaveServerGroupName (default: the id).').optional(),
    servers: z
      .array(MasterSlaveServer)
      .length(2)
      .meta({ description: 'Exactly two: one Master, one Slave.' }),
  },
  'A primary/secondary server group (TCP/UDP listeners only).',
);

const StickySession = z
  .union([
    z.enum(['off']),
    obj({
      type: z.literal('insert').meta({ description: 'CLB inserts a SERVERID cookie.' }),
      cookieTimeout: int(1, 86400, 'Cookie lifetime in seconds (1–86400).'),
    }),
    obj({
      type: z.literal('server').meta({ description: 'CLB rewrites the cookie the backend sets.' }),
      cookie: text("Name of the backend's cookie."),
    }),
  ])
  .meta({
    description: 'Layer-7 session persistence: off, {type: insert, cookieTimeout} or {type: server, cookie}.',
  });

const HealthCheckSettings = {
  domain: text('HealthCheckDomain.').optional(),
  uri: text('HealthCheckURI, e.g. /health.').optional(),
  connectPort: int(1, 65535, 'HealthCheckConnectPort (default: the backend port).').optional(),
  healthyThreshold: int(2, 10, 'Successes before a server is healthy again (2–10, default 3).').optional(),
  unhealthyThreshold: int(2, 10, 'Failures before a server is unhealthy (2–10, default 3).').optional(),
  timeout: int(1, 300, 'Seconds to wait for an answer (1–300, default 5).').optional(),
  interval: int(1, 50, 'Seconds between checks (1–50, default 2).').optional(),
  httpCode: text('Healthy HTTP codes, e.g. http_2xx,http_3xx.').optional(),
};

const ListenerHealthCheck = z
  .union([
    onOffOrBool,
    obj({
      type: z
        .enum(['tcp', 'http', 'udp'])
        .meta({ description: 'TCP/UDP listeners: the check type.' })
        .optional(),
      ...HealthCheckSettings,
    }),
  ])
  .meta({ description: 'Health check: on (defaults), off, or its settings (which turn it on).' });

const RuleHealthCheck = z
  .union([onOffOrBool, obj(HealthCheckSettings)])
  .meta({ description: "The rule's own health check: on, off, or its settings." });

const RuleDecl = obj(
  {
    name: text('RuleName, unique in the listener.'),
    domain: text('Domain: exact (api.example.com) or wildcard (*.example.com).').optional(),
    url: text('URL path prefix, starting with / (not / alone).').optional(),
    group: id('VServerGroupId the rule forwards to.'),
    id: id('RuleId (default: generated).').optional(),
    scheduler: z
      .enum(L7_SCHEDULER_NAMES)
      .meta({ description: 'Own scheduler (turns ListenerSync off).' })
      .optional(),
    stickySession: StickySession.optional(),
    healthCheck: RuleHealthCheck.optional(),
    description: z.string().meta({ description: 'A note for readers.' }).optional(),
  },
  'A forwarding rule (CreateRules). Own settings turn ListenerSync off for this rule.',
);

const ListenerDecl = obj(
  {
    protocol: z.enum(['http', 'https', 'tcp', 'udp']).meta({ description: 'Listener protocol.' }),
    port: int(1, 65535, 'Frontend (listener) port.'),
    backendPort: int(
      1,
      65535,
      'Backend port of the default server group (required without group).',
    ).optional(),
    group: id('VServerGroupId the listener forwards to.').optional(),
    masterSlaveGroup: id('MasterSlaveServerGroupId (TCP/UDP only).').optional(),
    scheduler: z
      .enum(SCHEDULER_NAMES)
      .meta({ description: `Scheduling algorithm (default ${DEFAULT_SCHEDULER}).` })
      .optional(),
    stickySession: StickySession.optional(),
    persistence: int(0, 3600, 'TCP/UDP: source-IP persistence in seconds (0 = off).').optional(),
    healthCheck: ListenerHealthCheck.optional(),
    started: z
      .boolean()
      .meta({ description: 'Start the listener (StartLoadBalancerListener); default true.' })
      .optional(),
    description: text('Listener description.').optional(),
    params: extraParams('Create…Listener').optional(),
    rules: z
      .array(RuleDecl)
      .meta({ description: 'Forwarding rules (HTTP/HTTPS only), in order.' })
      .optional(),
  },
  'A listener: protocol and port, where traffic goes, scheduler, persistence, health check.',
);

const LoadBalancerDecl = obj(
  {
    id: id('LoadBalancerId, used in listener references (e.g. lb-seed).'),
    name: text('LoadBalancerName (default: the id).').optional(),
    region: text('RegionId, e.g. cn-hangzhou.'),
    addressType: z.enum(['internet', 'intranet']).meta({ description: 'Default internet.' }).optional(),
    vpc: text('VpcId: a VPC load balancer (else classic network).').optional(),
    vswitch: text('VSwitchId.').optional(),
    spec: z
      .enum(GUARANTEED_SPECS)
      .meta({ description: 'Guaranteed-performance specification (absent = shared).' })
      .optional(),
    address: ipv4('Service address (default: generated).').optional(),
    params: extraParams('CreateLoadBalancer').optional(),
    defaultServers: z.array(DefaultServer).meta({ description: 'The default server group.' }).optional(),
    vServerGroups: z.array(VServerGroupDecl).meta({ description: 'VServer groups.' }).optional(),
    masterSlaveGroups: z
      .array(MasterSlaveGroupDecl)
      .meta({ description: 'Primary/secondary server groups.' })
      .optional(),
    listeners: z.array(ListenerDecl).meta({ description: 'Listeners, created in order.' }).optional(),
  },
  'A load balancer with its server groups and listeners.',
);

const Topology = obj(
  {
    loadBalancers: z
      .array(LoadBalancerDecl)
      .meta({ description: 'Load balancers, created in order at time 0.' }),
  },
  'The topology at time 0, described the way the console builds it; compiled to OpenAPI events.',
);

// ---- traffic --------------------------------------------------------------------------------------

const Phase = obj({
  name: text('Phase name, shown in reports.').optional(),
  duration: duration('How long the phase lasts.').optional(),
  arrivalRate: z
    .number()
    .nonnegative()
    .meta({ description: 'Requests per second (at the start when rampTo is set).' })
    .optional(),
  rampTo: z
    .number()
    .nonnegative()
    .meta({ description: 'Requests per second at the end (linear ramp).' })
    .optional(),
  arrivalCount: z
    .number()
    .int()
    .nonnegative()
    .max(MAX_REQUESTS_PER_RUN, {
      error: `expected at most ${MAX_REQUESTS_PER_RUN} requests (one run's ceiling)`,
    })
    .meta({ description: 'A fixed number of requests spread over the duration.' })
    .optional(),
  pause: duration('A phase without requests, lasting this long.').optional(),
  mode: z
    .enum(['uniform', 'poisson'])
    .meta({ description: 'Inter-arrival process (default uniform).' })
    .optional(),
})
  .superRefine((p, ctx) => {
    if (p.pause !== undefined) {
      for (const k of ['duration', 'arrivalRate', 'rampTo', 'arrivalCount', 'mode'] as const)
        if (p[k] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `${k} cannot be combined with pause (a pause phase has no requests)`,
          });
      return;
    }
    if (p.duration === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a phase needs duration (with arrivalRate or arrivalCount) or pause',
      });
      return;
    }
    if (p.arrivalRate === undefined && p.arrivalCount === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a phase needs arrivalRate or arrivalCount with its duration',
      });
    if (p.arrivalRate !== undefined && p.arrivalCount !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['arrivalCount'],
        message: 'arrivalCount cannot be combined with arrivalRate',
      });
    if (p.rampTo !== undefined && p.arrivalRate === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['rampTo'],
        message: 'rampTo needs arrivalRate (the rate it ramps from)',
      });
  })
  .meta({
    description:
      'An arrival phase (Artillery semantics): duration + arrivalRate [+ rampTo], duration + arrivalCount, or pause.',
  });

const Template = obj(
  {
    name: text('A name for reports.').optional(),
    listener: listenerKey('The listener the request goes to: <LoadBalancerId>:<protocol>:<port>.'),
    weight: z.number().positive().meta({ description: 'Relative weight in the mix (default 1).' }).optional(),
    host: z.string().meta({ description: 'Host header (default none: matches only URL rules).' }).optional(),
    path: z
      .string()
      .regex(/^\//, 'expected a path starting with /')
      .meta({ description: 'Path, query allowed (default /).' })
      .optional(),
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'expected an HTTP method in capitals, e.g. GET')
      .meta({ description: 'Default GET.' })
      .optional(),
    headers: z.record(z.string(), z.string()).meta({ description: 'Request headers.' }).optional(),
    cookies: z
      .record(z.string(), z.string())
      .meta({ description: 'Cookies sent with every request of this kind.' })
      .optional(),
  },
  'One kind of request in the weighted mix.',
);

const Clients = obj({
  ips: int(1, 16_777_216, `Distinct client source IPs (default ${DEFAULT_CLIENTS.ips}).`).optional(),
  portsPerIp: int(
    1,
    65535,
    `Distinct source ports per IP (default ${DEFAULT_CLIENTS.portsPerIp}).`,
  ).optional(),
  firstIp: ipv4(
    `First source IP; the others follow numerically (default ${DEFAULT_CLIENTS.firstIp}).`,
  ).optional(),
  firstPort: int(1, 65535, `First source port (default ${DEFAULT_CLIENTS.firstPort}).`).optional(),
  keepCookies: z
    .boolean()
    .meta({ description: `Clients keep cookies between requests (default ${DEFAULT_CLIENTS.keepCookies}).` })
    .optional(),
})
  .superRefine((c, ctx) => {
    if ((c.firstPort ?? DEFAULT_CLIENTS.firstPort) + (c.portsPerIp ?? DEFAULT_CLIENTS.portsPerIp) - 1 > 65535)
      ctx.addIssue({
        code: 'custom',
        path: ['portsPerIp'],
        message: 'firstPort + portsPerIp - 1 exceeds 65535',
      });
  })
  .meta({ description: 'The client population requests come from.' });

const Distribution = z
  .union(
    [
      duration('A constant time.'),
      obj({ constant: duration('A constant time.') }),
      obj({ exponential: obj({ mean: duration('Mean time.') }) }),
      obj({
        lognormal: obj({
          median: duration('Median time (must be > 0).'),
          sigma: z.number().positive().meta({ description: 'Standard deviation of ln(time).' }),
        }),
      }),
    ],
    {
      error:
        'expected a time distribution: a duration, {constant: d}, {exponential: {mean: d}} or {lognormal: {median: d, sigma: s}}',
    },
  )
  .meta({
    description:
      'A time distribution: a duration (constant), {constant}, {exponential: {mean}} or {lognormal: {median, sigma}}.',
  });

const Service = obj(
  {
    default: Distribution.optional(),
    groups: z
      .record(z.string(), Distribution)
      .meta({ description: 'By VServerGroupId (or `default` for the default pool).' })
      .optional(),
    backends: z
      .record(z.string(), Distribution)
      .meta({ description: 'By `ServerId:Port` or `ServerId`.' })
      .optional(),
  },
  'Connection/service time: how long a request keeps its backend busy (needed for wlc, latency).',
);

const Trace = z
  .union([
    text('Trace file, relative to the scenario file.'),
    obj({
      file: text('Trace file, relative to the scenario file.'),
      format: z
        .enum(['ndjson', 'csv'])
        .meta({ description: 'Default: from the extension (.ndjson/.jsonl/.json or .csv).' })
        .optional(),
    }),
  ])
  .meta({
    description:
      'Replay an NDJSON or CSV file of {t, listener, host, path, clientIp, clientPort} rows exactly.',
  });

const Traffic = obj(
  {
    requests: z
      .number()
      .int()
      .positive()
      .max(MAX_REQUESTS_PER_RUN, {
        error: `expected at most ${MAX_REQUESTS_PER_RUN} requests (one run's ceiling)`,
      })
      .meta({
        description: `Total requests: a cap on the phases, or alone a uniform stream of ${DEFAULT_RATE} requests/s (at most ${MAX_REQUESTS_PER_RUN}).`,
      })
      .optional(),
    phases: z.array(Phase).meta({ description: 'Arrival phases, one after another.' }).optional(),
    mix: z.array(Template).meta({ description: 'The weighted request mix.' }).optional(),
    clients: Clients.optional(),
    service: Service.optional(),
    trace: Trace.optional(),
  },
  'The requests to replay.',
);

// ---- simulation options and expectations ------------------------------------------------------------

const Cluster = z
  .union([
    z.string().regex(CLUSTER_PATTERN, 'expected nodes x workers, e.g. 4x8'),
    obj({ nodes: int(1, 1024, 'Independent forwarding nodes.'), workers: int(1, 64, 'Workers per node.') }),
  ])
  .meta({
    description:
      'nodes × workers independent schedulers per listener: "4x8" or {nodes, workers}; 1x1 = exact mode.',
  });

const Simulation = obj(
  {
    cluster: Cluster.optional(),
    clusterByListener: z
      .record(z.string(), Cluster)
      .meta({ description: 'Per-listener cluster shape, keyed <LoadBalancerId>:<protocol>:<port>.' })
      .optional(),
    ruleMatching: z
      .enum(['domain-first', 'url-also'])
      .meta({
        description:
          'domain-first (default): a matched domain uses only its rules; url-also: URL-only rules compete too.',
      })
      .optional(),
    urlMatching: z
      .enum(['normalized', 'raw'])
      .meta({
        description:
          'normalized (default): rules see the URI and Host as Tengine normalises them (percent-decoded, dot segments resolved; invalid → 400); raw: byte-wise on the raw path.',
      })
      .optional(),
    l4Order: z
      .enum(['kernel', 'api'])
      .meta({ description: 'Layer-4 scheduling order: kernel (IPVS, newest first; default) or api.' })
      .optional(),
    until: duration('Stop time (default: when the traffic ends).').optional(),
  },
  'How the simulation runs.',
);

const Share = z.number().min(0).max(1);
const Tolerance = z
  .number()
  .positive()
  .max(1)
  .meta({ description: 'Allowed absolute difference of shares (default 0.02).' });

const Expectation = obj({
  shares: obj(
    {
      group: text('VServerGroupId, MasterSlaveServerGroupId or `default`.'),
      listener: listenerKey("Only this listener's use of the group.").optional(),
      backends: z.record(z.string(), Share).meta({ description: 'Expected share per `ServerId:Port`.' }),
      tolerance: Tolerance.optional(),
      window: obj({ from: duration('Window start.'), to: duration('Window end.') }).optional(),
    },
    "Each backend's observed share of the group is within tolerance of the expected one.",
  ).optional(),
  ruleShare: obj(
    {
      listener: listenerKey('The listener.'),
      rule: text('RuleName or RuleId, or listener-group / default-pool for the fallbacks.'),
      share: Share.meta({ description: "Expected share of the listener's requests." }),
      tolerance: Tolerance.optional(),
    },
    "The share of a listener's requests a rule (or fallback) matches.",
  ).optional(),
  maxFailed: z
    .number()
    .int()
    .nonnegative()
    .meta({ description: 'At most this many failed requests.' })
    .optional(),
  minPValue: z
    .union([
      z.number().gt(0).lt(1),
      obj({ value: z.number().gt(0).lt(1), group: text('Only this group.').optional() }),
    ])
    .meta({ description: "Every (or one group's) χ² goodness-of-fit p-value is at least this." })
    .optional(),
})
  .superRefine((e, ctx) => {
    const given = Object.keys(e).filter((k) => e[k as keyof typeof e] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `an expectation has exactly one of shares, ruleShare, maxFailed, minPValue; got ${given.length === 0 ? 'none' : given.join(' and ')}`,
      });
  })
  .meta({ description: 'One check of the run: exactly one of shares, ruleShare, maxFailed, minPValue.' });

// ---- the file ---------------------------------------------------------------------------------------

export const ScenarioFile = obj(
  {
    $schema: z.string().meta({ description: 'The JSON Schema of this file (editor completion).' }).optional(),
    version: z.literal(1).meta({ description: 'Format version (1).' }).optional(),
    name: text('Scenario name (default: the file name).').optional(),
    description: z.string().meta({ description: 'What the scenario shows.' }).optional(),
    seed: z
      .union([z.string().min(1), z.number()], { error: 'expected a string or a number' })
      .meta({ description: 'Seed of every random stream (default "0"); echoed in every output.' })
      .optional(),
    instances: z.array(Instance).meta({ description: 'The ECS inventory.' }).optional(),
    topology: Topology.optional(),
    events: z
      .array(RawEvent)
      .meta({ description: 'Raw OpenAPI events, applied in order (stable by `at`).' })
      .optional(),
    timeline: z
      .array(
        z.union([TimelineAction, Fault], {
          error: 'expected an OpenAPI call {at, action, params} or a fault {at, fault, ServerId, Port}',
        }),
      )
      .meta({ description: 'Topology changes and backend faults at times.' })
      .optional(),
    traffic: Traffic.optional(),
    simulation: Simulation.optional(),
    expect: z.array(Expectation).meta({ description: 'Checks of the run; any failure exits 1.' }).optional(),
  },
  'An slbsim scenario: an Alibaba Cloud CLB topology, changes over time, and traffic to replay.',
);

export type ScenarioFileData = z.infer<typeof ScenarioFile>;
export type RawEventData = z.infer<typeof RawEvent>;
export type LoadBalancerData = z.infer<typeof LoadBalancerDecl>;
export type ListenerData = z.infer<typeof ListenerDecl>;
export type RuleData = z.infer<typeof RuleDecl>;
export type StickyData = z.infer<typeof StickySession>;
export type HealthCheckData = z.infer<typeof ListenerHealthCheck>;
export type DistributionData = z.infer<typeof Distribution>;
export type ClusterData = z.infer<typeof Cluster>;
export type TrafficData = z.infer<typeof Traffic>;

/** The per-action parameter names, for editor completion of `params` (if action = X then params …). */
function paramCompletions(): Record<string, unknown>[] {
  return ACTIONS.map((action) => {
    const properties: Record<string, unknown> = {};
    for (const p of modelledParams(action)) properties[p] = {};
    for (const p of acceptedParams(action)) properties[p] ??= { description: 'Accepted, not modelled.' };
    return {
      if: { properties: { action: { const: action } }, required: ['action'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword.
      then: { properties: { params: { properties } } },
    };
  });
}

/** The JSON Schema (draft-07) of scenario files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const ref = { $ref: '#/definitions/ActionParams' };
  const schema = z.toJSONSchema(ScenarioFile, {
    target: 'draft-7',
    io: 'input',
    override: (ctx) => {
      if (ctx.zodSchema === RawEvent || ctx.zodSchema === TimelineAction) ctx.jsonSchema.allOf = [ref];
    },
  }) as Record<string, unknown>;
  const { $schema, definitions, ...rest } = schema;
  return {
    $schema,
    title: 'slbsim scenario',
    ...rest,
    definitions: {
      ...(definitions as Record<string, unknown> | undefined),
      ActionParams: {
        description: 'Completion of `params` by action: the parameters each OpenAPI action accepts.',
        allOf: paramCompletions(),
      },
    },
  };
}
