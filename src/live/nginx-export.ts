/**
 * `slbsim export nginx`: an nginx configuration equivalent to the topology at one instant, so a
 * real nginx (the open-source core of CLB's Tengine) can be held against the model.
 *
 * Per running HTTP/HTTPS listener:
 * - one `server` per rule domain (`server_name` exact or `*.` wildcard: nginx's exact > longest
 *   leading wildcard is CLB's exact > narrower wildcard; `*.example.com` does not match
 *   `example.com` in either), plus a `default_server` for hosts that match no domain rule;
 * - in a domain's server, a `location ^~ <Url>` (prefix, no regex check; nginx's longest prefix =
 *   CLB's) per rule of that domain with a URL, and `location /` for the domain-only rule, else the
 *   listener's fallback; in the default server, the URL-only rules and `location /` = the fallback
 *   (the listener's VServer group when its switch is on, else the default pool on
 *   BackendServerPort). With `ruleMatching: url-also` the URL-only rules are also placed in every
 *   domain's server;
 * - URL matching (`urlMatching`, issue 10 §1): nginx matches locations on the normalised URI
 *   (decoded, dot segments resolved, `merge_slashes on`) and rejects invalid URIs and Hosts with
 *   400 — what the model does by default. A location name is compared with the decoded URI as
 *   written, so it is the rule URL with its `%XX` decoded, as the model matches it; a rule URL with
 *   a malformed escape matches nothing and is left out. `raw` cannot be expressed (nginx always
 *   normalises): its export keeps the URLs as written and `merge_slashes off`, and says so;
 * - a prefix location ending in `/` with `proxy_pass` answers 301 to the URI without that slash
 *   (nginx's `auto_redirect`), where CLB's prefix rule simply does not match it: each such URL
 *   gets an exact `location = <Url without />` that sends it where the model does;
 * - one `upstream` per scope (a group as one listener or rule schedules it: nginx keeps SWRR
 *   state per upstream, as the model does per scope), servers in the group's scheduling order,
 *   `weight=` the CLB weight (weight 0 → `down`); `rr` → every weight 1 (SWRR with equal weights
 *   is round robin); `wlc` → `least_conn`. A scope with no eligible server answers `return 503`.
 * `worker_processes 1` and fresh upstreams make nginx's SWRR the exact reference sequence.
 * `max_fails=0` turns off nginx's passive failure accounting (CLB uses active checks only), and
 * `proxy_next_upstream error timeout` retries the next server as Tengine does. Everything listens
 * on 127.0.0.1 only. What nginx cannot express is written into the file as comments (and in
 * docs/LIVE.md): cookie stickiness, active health checks, layer-4 listeners, the cluster model.
 */
import { Buffer } from 'node:buffer';
import type { ListenerSpec, ScopeSpec } from '../routing/route-compiler.js';
import { compileTopology } from '../routing/route-compiler.js';
import type { RuleMatching, UrlMatching } from '../routing/rule-matcher.js';
import type { ForwardingRule, Listener, LoadBalancer, TopologyState } from '../topology/types.js';
import { listenerKey } from '../topology/types.js';
import { type AddressMap, addressIndex, backendKey } from './address-map.js';
import { GROUP_HEADER, LOOPBACK } from './live-backends.js';

export interface NginxExportOptions {
  /** Real addresses of the live backends; absent = each ECS's PrivateIpAddress. */
  readonly backends?: AddressMap;
  /** nginx listens on ListenerPort + offset (default 0). */
  readonly listenPortOffset?: number;
  readonly ruleMatching?: RuleMatching;
  /** Default `normalized` (nginx's own way); `raw` is not expressible (noted in the file). */
  readonly urlMatching?: UrlMatching;
  /** Header comment: what the file was made from. */
  readonly source?: string;
}

/** A topology that cannot be written as a valid configuration (a missing backend address…). */
export class NginxExportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'NginxExportError';
  }
}

export interface NginxExport {
  readonly config: string;
  /** Listener key → the port nginx listens on. */
  readonly listeners: ReadonlyMap<string, number>;
  /** Things the configuration cannot express, one line each. */
  readonly notes: readonly string[];
}

export function exportNginx(state: TopologyState, options: NginxExportOptions = {}): NginxExport {
  const ruleMatching = options.ruleMatching ?? 'domain-first';
  const urlMatching = options.urlMatching ?? 'normalized';
  const compiled = compileTopology(state, { ruleMatching, urlMatching, l4Order: 'kernel' });
  const offset = options.listenPortOffset ?? 0;
  const addresses = options.backends ? addressIndex(options.backends) : undefined;
  const instances = new Map(state.Instances.map((i) => [i.InstanceId, i]));
  const problems: string[] = [];
  const notes: string[] = [];
  const upstreams: string[] = [];
  const servers: string[] = [];
  const listeners = new Map<string, number>();
  const upstreamName = new Map<string, string>();

  const addressOf = (lb: LoadBalancer, serverId: string, port: number, scope: string): string | undefined => {
    if (addresses) {
      const a = addresses.get(backendKey(serverId, port));
      if (a === undefined) {
        problems.push(`the address map has no entry for ${backendKey(serverId, port)} (used by ${scope})`);
        return undefined;
      }
      return `${a.address}:${a.port}`;
    }
    const ip =
      instances.get(serverId)?.PrivateIpAddress ??
      lb.BackendServers.find((b) => b.ServerId === serverId)?.ServerIp ??
      lb.VServerGroups.flatMap((g) => g.BackendServers).find((b) => b.ServerId === serverId && b.ServerIp)
        ?.ServerIp;
    if (ip === undefined) {
      problems.push(`${serverId} has no PrivateIpAddress (needed by ${scope}); pass --backends map.json`);
      return undefined;
    }
    return `${ip}:${port}`;
  };

  /** The upstream of a scope (defined once), or null when nothing in it is eligible. */
  const upstreamOf = (lb: LoadBalancer, scope: ScopeSpec): string | null => {
    const known = upstreamName.get(scope.key);
    if (known !== undefined) return known === '' ? null : known;
    const eligible = scope.members.filter((m) => m.Weight > 0);
    if (eligible.length === 0) {
      upstreamName.set(scope.key, '');
      return null;
    }
    const name = `u${upstreamName.size + 1}_${sanitize(scope.groupId ?? 'default')}`;
    upstreamName.set(scope.key, name);
    const lines = [`  # ${scope.key}: ${scope.groupName}, scheduler ${scope.scheduler}`];
    if (scope.sticky !== 'off')
      lines.push(
        `  # StickySession ${scope.sticky} (cookie ${scope.cookieName}) is not expressible in nginx OSS: not exported`,
      );
    lines.push(`  upstream ${name} {`);
    if (scope.scheduler === 'wlc') lines.push('    least_conn;');
    for (const m of scope.members) {
      const addr = addressOf(lb, m.ServerId, m.Port, scope.key);
      if (addr === undefined) continue;
      const weight = scope.scheduler === 'rr' ? 1 : Math.max(1, m.Weight);
      const down = m.Weight === 0 ? ' down' : '';
      lines.push(
        `    server ${addr} weight=${weight} max_fails=0${down};  # ${m.ServerId}:${m.Port} Weight ${m.Weight}`,
      );
    }
    lines.push('    keepalive 32;', '  }');
    upstreams.push(lines.join('\n'));
    return name;
  };

  const location = (lb: LoadBalancer, at: LocationAt, scope: ScopeSpec, label: string): string => {
    const upstream = upstreamOf(lb, scope);
    const name = at.name === '/' && !at.exact ? '/' : `${at.exact ? '=' : '^~'} ${quotePath(at.name)}`;
    const head = `    location ${name} {  # ${label}`;
    if (upstream === null) return `${head}\n      return 503;  # no eligible backend\n    }`;
    // `set`, not `proxy_set_header`: a location with its own proxy_set_header would drop every one
    // inherited from the http level (Host, Connection "" for upstream keep-alive).
    return `${head}\n      set $slbsim_group ${scope.groupId ?? 'default'};\n      proxy_pass http://${upstream};\n    }`;
  };

  for (const lb of state.LoadBalancers) {
    for (const l of lb.Listeners) {
      const key = listenerKey(lb.LoadBalancerId, l.ListenerProtocol, l.ListenerPort);
      const spec = compiled.listeners.get(key);
      if (spec === undefined) continue;
      if (spec.layer === 4) {
        notes.push(
          `${key}: layer-4 listener not exported (nginx-light has no stream module; LVS semantics differ)`,
        );
        continue;
      }
      if (!spec.running) {
        notes.push(`${key}: listener stopped, not exported (CLB refuses its connections)`);
        continue;
      }
      const port = l.ListenerPort + offset;
      if (port < 1 || port > 65535) {
        problems.push(`${key}: ListenerPort ${l.ListenerPort} + offset ${offset} is not a valid port`);
        continue;
      }
      listeners.set(key, port);
      if (l.ListenerProtocol === 'https')
        notes.push(`${key}: HTTPS listener exported as plain HTTP (no certificates)`);
      servers.push(...serversOf(lb, l, spec, port, ruleMatching, compiled.scopes, location, notes));
    }
  }
  if (urlMatching === 'raw')
    notes.push(
      'urlMatching raw is not expressible: nginx matches locations on the normalised URI (decoded, dot segments resolved) and answers 400 to invalid ones; targets with escapes, dot segments or // may go elsewhere than in the model',
    );
  if (problems.length > 0) throw new NginxExportError(problems);
  if (listeners.size === 0) notes.push('no running HTTP/HTTPS listener: the configuration serves nothing');

  const header = [
    '# nginx configuration generated by slbsim export nginx',
    ...(options.source ? [`# from ${options.source}`] : []),
    '# Run: nginx -p <dir> -c <this file> -e stderr -g "daemon off;"   (127.0.0.1 only)',
    '# Not expressible in nginx (see docs/LIVE.md): cookie session persistence, active health checks',
    '# (nginx has passive checks only; max_fails=0 turns them off), the nodes x workers cluster model,',
    '# layer-4 listeners.',
    ...notes.map((n) => `# note: ${n}`),
  ];
  const config = `${header.join('\n')}

worker_processes 1;
pid nginx.pid;
error_log stderr notice;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path client_body_temp;
  proxy_temp_path proxy_temp;
  fastcgi_temp_path fastcgi_temp;
  uwsgi_temp_path uwsgi_temp;
  scgi_temp_path scgi_temp;
  ${urlMatching === 'raw' ? 'merge_slashes off;  # closest to raw URL matching' : "merge_slashes on;  # Tengine's default; the model merges too"}
  keepalive_timeout 15s;
  keepalive_requests 100000;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $remote_addr;
  proxy_set_header ${titleCase(GROUP_HEADER)} $slbsim_group;
  proxy_next_upstream error timeout;
  proxy_connect_timeout 5s;
  proxy_read_timeout 60s;
  proxy_buffering off;

${upstreams.join('\n\n')}

${servers.join('\n\n')}
}
`;
  return { config, listeners, notes };
}

/** Where a location matches: a prefix (`^~ name`, or `/`) or one exact URI (`= name`). */
interface LocationAt {
  readonly name: string;
  readonly exact: boolean;
}

type LocationWriter = (lb: LoadBalancer, at: LocationAt, scope: ScopeSpec, label: string) => string;

/** One prefix location of a server block, before it is written. */
interface Prefix {
  /** The name nginx compares with the URI (the rule URL as the model matches it). */
  readonly name: string;
  readonly scope: ScopeSpec;
  readonly label: string;
}

function serversOf(
  lb: LoadBalancer,
  l: Listener,
  spec: ListenerSpec,
  port: number,
  ruleMatching: RuleMatching,
  scopes: ReadonlyMap<string, ScopeSpec>,
  location: LocationWriter,
  notes: string[],
): string[] {
  const key = spec.key;
  const urlKeys = spec.matcher!.urlKeys;
  const scopeOfRule = (index: number) => scopes.get(spec.ruleScopes[index])!;
  const fallbackKey = spec.groupScope ?? spec.defaultScope;
  const fallback = scopes.get(fallbackKey)!;
  const fallbackLabel = spec.groupScope
    ? `listener VServer group ${fallback.groupId}`
    : `default pool :${l.BackendServerPort ?? '-'}`;
  const ruleLabel = (r: ForwardingRule) => `rule ${r.RuleName} (${r.RuleId})`;

  /** The location name of rule `i`'s URL, or null (noted once) when nginx cannot match it as the model does. */
  const names = new Map<number, string | null>();
  const nameOf = (i: number): string | null => {
    if (!names.has(i)) names.set(i, locationName(i));
    return names.get(i)!;
  };
  const locationName = (i: number): string | null => {
    const r = l.Rules[i];
    const k = urlKeys[i];
    if (k === null) {
      notes.push(
        `${key}: ${ruleLabel(r)} URL ${r.Url} has a malformed escape or %00: it matches no valid request, not exported`,
      );
      return null;
    }
    const name = configText(k);
    if (name === null)
      notes.push(
        `${key}: ${ruleLabel(r)} URL ${r.Url} decodes to bytes a configuration cannot hold (control bytes or invalid UTF-8): not exported`,
      );
    return name;
  };

  // Domain blocks in rule order; URL-only rules.
  const domains = new Map<string, number[]>();
  const urlOnly: number[] = [];
  l.Rules.forEach((r, i) => {
    if (r.Domain) {
      const d = r.Domain.toLowerCase();
      const list = domains.get(d) ?? [];
      list.push(i);
      domains.set(d, list);
    } else if (r.Url) urlOnly.push(i);
  });
  const urlOnlyPrefixes = (suffix: string): Prefix[] => {
    const out: Prefix[] = [];
    for (const i of urlOnly) {
      const name = nameOf(i);
      if (name !== null)
        out.push({ name, scope: scopeOfRule(i), label: `${ruleLabel(l.Rules[i])} ${suffix}` });
    }
    return out;
  };
  const defaultOnly = urlOnlyPrefixes('(URL-only)');
  const alsoPrefixes = ruleMatching === 'url-also' ? urlOnlyPrefixes('(URL-only, url-also)') : [];

  const blocks: string[] = [];
  for (const [domain, indexes] of domains) {
    const own: Prefix[] = [];
    let domainOnly = -1;
    for (const i of indexes) {
      const r = l.Rules[i];
      if (r.Url) {
        const name = nameOf(i);
        if (name !== null) own.push({ name, scope: scopeOfRule(i), label: ruleLabel(r) });
      } else if (domainOnly < 0) domainOnly = i;
    }
    const root: Prefix =
      domainOnly >= 0
        ? { name: '/', scope: scopeOfRule(domainOnly), label: ruleLabel(l.Rules[domainOnly]) }
        : { name: '/', scope: fallback, label: `no rule: ${fallbackLabel}` };
    blocks.push(
      `  server {  # ${key}, domain ${domain}\n    listen ${LOOPBACK}:${port};\n    server_name ${domain};\n    set $slbsim_group "";\n${locationsOf(lb, [...own, ...alsoPrefixes], root, location).join('\n')}\n  }`,
    );
  }

  const root: Prefix = { name: '/', scope: fallback, label: `no rule: ${fallbackLabel}` };
  blocks.push(
    `  server {  # ${key}, hosts matching no domain rule\n    listen ${LOOPBACK}:${port} default_server;\n    server_name "";\n    set $slbsim_group "";\n${locationsOf(lb, defaultOnly, root, location).join('\n')}\n  }`,
  );
  return blocks;
}

/**
 * The locations of one server block: the prefixes (first of equal names kept, as the model keeps
 * the first rule), `location /`, and for every prefix ending in `/` an exact location for the URI
 * without it, sent where the longest other prefix (or `/`) sends it — so nginx's auto_redirect 301
 * never answers where CLB's rules route.
 */
function locationsOf(lb: LoadBalancer, prefixes: Prefix[], root: Prefix, location: LocationWriter): string[] {
  const seen = new Map<string, Prefix>();
  for (const p of prefixes) if (!seen.has(p.name)) seen.set(p.name, p);
  const unique = [...seen.values()];
  const out = unique.map((p) => location(lb, { name: p.name, exact: false }, p.scope, p.label));
  out.push(location(lb, { name: '/', exact: false }, root.scope, root.label));
  for (const p of unique) {
    if (!p.name.endsWith('/') || p.name.length < 2) continue;
    const bare = p.name.slice(0, -1);
    if (seen.has(bare)) continue;
    let best: Prefix = root;
    for (const q of unique) if (bare.startsWith(q.name) && q.name.length > best.name.length) best = q;
    out.push(
      location(
        lb,
        { name: bare, exact: true },
        best.scope,
        `${best.label} (exact ${bare}: no 301 to ${p.name}, as CLB's prefix ${p.name} does not match ${bare})`,
      ),
    );
  }
  return out;
}

/**
 * A decoded rule URL (bytes as latin1 characters) as configuration text that nginx reads back as
 * the same bytes (the file is written as UTF-8), or null when it cannot: control bytes, or bytes
 * ≥ 0x80 that are not valid UTF-8.
 */
function configText(bytes: string): string | null {
  let high = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return null;
    if (c >= 0x80) high = true;
  }
  if (!high) return bytes;
  const buf = Buffer.from(bytes, 'latin1');
  const text = buf.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buf) ? text : null;
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

/** `x-slbsim-group` → `X-Slbsim-Group`. */
function titleCase(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** A location prefix, quoted when it holds characters nginx's parser treats specially. */
function quotePath(path: string): string {
  return /^[A-Za-z0-9\-._~/%&?#=+,:@!$*()']+$/.test(path) && !/[{};#]/.test(path)
    ? path
    : `"${path.replace(/["\\]/g, '\\$&')}"`;
}
