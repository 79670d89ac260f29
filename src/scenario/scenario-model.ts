/**
 * A loaded, validated scenario: what the rest of slbsim consumes. The loader (`load.ts`) turns a
 * YAML/JSON file into this shape, compiling the declarative `topology:` into the same OpenAPI
 * events a raw `events:` list holds, and keeping a source position for everything it produced so
 * that later errors (a rejected event, a failed expectation) can point at a line.
 */
import type { ActionName, ActionParams } from '../topology/events.js';
import type { Micros } from '../util/duration.js';

export interface SourcePos {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** The path of the node in the file (`events[3].params.BackendServers[0].Weight`), where known. */
  readonly field?: string;
}

/** One problem found in a scenario: printed as `file:line:col: CODE message`. */
export interface Diagnostic extends SourcePos {
  /** CLB error code for rejected events, else a loader code such as `SchemaError` or `YamlSyntax`. */
  readonly code: string;
  readonly message: string;
  /** The offending field, as a path in the file (`events[3].params.BackendServers[0].Weight`). */
  readonly field?: string;
}

/** A topology event from the file, with where it came from. */
export interface ScheduledEvent {
  readonly action: ActionName;
  readonly params: ActionParams;
  /** µs since scenario start. */
  readonly at: Micros;
  /** Where the event (or the declarative element it was compiled from) is written. */
  readonly pos: SourcePos;
  /** The file path of the event (e.g. `events[3]`, `topology.listeners[0]`, `timeline[2]`). */
  readonly field: string;
  /** Positions of individual parameters, keyed by the API parameter path (`BackendServers[0].Weight`). */
  readonly paramPos: Readonly<Record<string, SourcePos>>;
}

export type FaultKind = 'BackendFailed' | 'BackendRecovered';

/** A backend process dies or comes back: (ServerId, Port), or every port of the ECS when Port is absent. */
export interface FaultEvent {
  readonly kind: FaultKind;
  readonly at: Micros;
  readonly ServerId: string;
  readonly Port?: number;
  readonly pos: SourcePos;
  readonly field: string;
}

export type Distribution =
  | { readonly kind: 'constant'; readonly value: Micros }
  | { readonly kind: 'exponential'; readonly mean: Micros }
  /** ln(X) ~ Normal(mu, sigma²) with X in µs; written in files as median + sigma. */
  | { readonly kind: 'lognormal'; readonly mu: number; readonly sigma: number };

export interface Phase {
  readonly name?: string;
  readonly duration: Micros;
  /** Requests per second at the phase start (absent for arrivalCount and pause phases). */
  readonly arrivalRate?: number;
  /** Requests per second at the phase end (linear ramp). */
  readonly rampTo?: number;
  /** A fixed number of requests spread over the duration. */
  readonly arrivalCount?: number;
  readonly pause?: boolean;
  readonly mode: 'uniform' | 'poisson';
}

/** One entry of the weighted request mix. */
export interface RequestTemplate {
  /** `<LoadBalancerId>:<protocol>:<port>`. */
  readonly listener: string;
  readonly weight: number;
  readonly host: string;
  /** Path with optional query string. */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly pos: SourcePos;
}

export interface ClientModel {
  /** Distinct source IPs. */
  readonly ips: number;
  /** Distinct source ports per IP. */
  readonly portsPerIp: number;
  /** First source IP; the others follow it numerically. */
  readonly firstIp: string;
  /** First source port; the others follow it. */
  readonly firstPort: number;
  /** Whether clients keep cookies (sticky sessions need this). */
  readonly keepCookies: boolean;
}

export interface ServiceModel {
  /** Applies where no group or backend entry does; absent = requests complete instantly. */
  readonly default?: Distribution;
  /** By VServerGroupId (or `default` for the default pool). */
  readonly groups: Readonly<Record<string, Distribution>>;
  /** By `ServerId:Port` or `ServerId`. */
  readonly backends: Readonly<Record<string, Distribution>>;
}

export interface TraceSpec {
  /** Absolute path of the trace file. */
  readonly file: string;
  readonly format: 'ndjson' | 'csv';
  readonly pos: SourcePos;
}

export interface Traffic {
  /** Total request cap (`requests: N`, or `--requests`); phases stop early when it is reached. */
  readonly requests?: number;
  readonly phases: readonly Phase[];
  readonly mix: readonly RequestTemplate[];
  readonly clients: ClientModel;
  readonly service: ServiceModel;
  readonly trace?: TraceSpec;
}

export type Expectation =
  | {
      readonly kind: 'shares';
      /** VServerGroupId, MasterSlaveServerGroupId or `default`. */
      readonly group: string;
      /** Restrict to one listener's (or rule's) use of the group. */
      readonly listener?: string;
      readonly shares: Readonly<Record<string, number>>;
      readonly tolerance: number;
      readonly window?: { readonly from: Micros; readonly to: Micros };
      readonly pos: SourcePos;
    }
  | {
      readonly kind: 'ruleShare';
      readonly listener: string;
      /** RuleName or RuleId, or `listener-group` / `default-pool` for the fallbacks. */
      readonly rule: string;
      readonly share: number;
      readonly tolerance: number;
      readonly pos: SourcePos;
    }
  | { readonly kind: 'maxFailed'; readonly value: number; readonly pos: SourcePos }
  | { readonly kind: 'minPValue'; readonly value: number; readonly group?: string; readonly pos: SourcePos };

export interface ClusterShape {
  readonly nodes: number;
  readonly workers: number;
}

export interface SimulationOptions {
  /** nodes × workers independent schedulers per listener; 1 × 1 is exact mode. */
  readonly cluster: ClusterShape;
  /** Per-listener override, keyed `<LoadBalancerId>:<protocol>:<port>`. */
  readonly clusterByListener: Readonly<Record<string, ClusterShape>>;
  /**
   * Whether URL-only rules also apply to hosts that matched a domain rule. `domain-first`
   * (default, nginx-like): no. `url-also`: a URL-only rule with a longer matching prefix wins
   * over the domain's own rules. CLB does not document this (clb-semantics.md §3.4).
   */
  readonly ruleMatching: 'domain-first' | 'url-also';
  /**
   * What URL and domain rules compare: `normalized` (default) the URI and Host as Tengine
   * normalises them (nginx `ngx_http_parse_complex_uri`, `ngx_http_validate_host`; a request nginx
   * rejects gets `bad-request`, 400); `raw` the raw path byte-wise. docs/MODEL.md.
   */
  readonly urlMatching: 'normalized' | 'raw';
  /**
   * Scheduling order of layer-4 groups: `kernel` (default) = IPVS list order, newest entry first;
   * `api` = the order the API lists the entries.
   */
  readonly l4Order: 'kernel' | 'api';
  /** Stop time; default: when the traffic ends. */
  readonly until?: Micros;
}

export interface Scenario {
  /** Absolute path of the scenario file. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly seed: string;
  /** All topology events (inventory, declarative topology, raw events, timeline), sorted by `at`, stable. */
  readonly events: readonly ScheduledEvent[];
  readonly faults: readonly FaultEvent[];
  readonly traffic?: Traffic;
  readonly simulation: SimulationOptions;
  readonly expect: readonly Expectation[];
}
