import { describe, expect, it } from 'vitest';
import type { AddressMap } from '../../src/live/address-map.js';
import { exportNginx, NginxExportError } from '../../src/live/nginx-export.js';
import { findNginx, testNginxConfig } from '../../src/live/nginx-process.js';
import type { RuleInput } from '../../src/topology/events.js';
import { ev, liveState, SERVE_ALL } from './fixtures.js';

const NGINX = findNginx();
if (!NGINX)
  console.warn('notice: nginx is not installed; the `nginx -t` checks in nginx-export.test.ts are skipped');

function mapAll(): AddressMap {
  return {
    version: 1,
    backends: SERVE_ALL.map((b, i) => ({ ...b, address: '127.0.0.1', port: 30000 + i })),
  };
}

/** The lines of the server block for `name` (a comment fragment). */
function block(config: string, name: string): string {
  const start = config.indexOf(name);
  return config.slice(start, config.indexOf('\n  }', start));
}

describe('exportNginx', () => {
  it('given the live topology, when exported, then each rule domain is a server, URLs are locations and groups are weighted upstreams', () => {
    const { config, listeners } = exportNginx(liveState(), { listenPortOffset: 20000 });
    expect(listeners).toEqual(new Map([['lb-live:http:80', 20080]]));
    expect(config).toContain('worker_processes 1;');
    const api = block(config, 'domain api.example.com');
    expect(api).toContain('listen 127.0.0.1:20080;');
    expect(api).toContain('server_name api.example.com;');
    expect(api).toMatch(
      /location \/ \{ {2}# rule api \(rule-api\)\n\s+set \$slbsim_group rsp-api;\n\s+proxy_pass http:\/\/u1_rsp_api;/,
    );
    const img = block(config, 'domain *.img.example.com');
    expect(img).toContain('server_name *.img.example.com;');
    expect(img).toContain('location ^~ /thumbs {  # rule thumbs (rule-thumbs)');
    expect(img).toContain('location / {  # no rule: listener VServer group rsp-web');
    const fallback = block(config, 'hosts matching no domain rule');
    expect(fallback).toContain('listen 127.0.0.1:20080 default_server;');
    expect(fallback).toContain('location ^~ /static {  # rule static (rule-static) (URL-only)');
    expect(fallback).not.toContain('/thumbs');
    expect(block(config, 'upstream u3_rsp_web')).toBe(
      [
        'upstream u3_rsp_web {',
        '    server 10.0.0.11:8080 weight=5 max_fails=0;  # i-a:8080 Weight 5',
        '    server 10.0.0.12:8080 weight=1 max_fails=0;  # i-b:8080 Weight 1',
        '    server 10.0.0.13:8080 weight=1 max_fails=0;  # i-c:8080 Weight 1',
        '    keepalive 32;',
      ].join('\n'),
    );
  });

  it('uses the address map for upstream servers when given', () => {
    const { config } = exportNginx(liveState(), { backends: mapAll() });
    expect(config).toContain('server 127.0.0.1:30000 weight=5 max_fails=0;  # i-a:8080 Weight 5');
  });

  it('given an address map without a backend the topology uses, then it fails naming the backend', () => {
    const map = mapAll();
    const partial = { version: 1 as const, backends: map.backends.filter((b) => b.ServerId !== 'i-c') };
    expect(() => exportNginx(liveState(), { backends: partial })).toThrow(NginxExportError);
    expect(() => exportNginx(liveState(), { backends: partial })).toThrow(
      'the address map has no entry for i-c:8080 (used by lb-live:http:80/listener-vserver-group/rsp-web)',
    );
  });

  it('weight 0 is `down`, rr gives every server weight 1, wlc is least_conn', () => {
    const zero = liveState({ Scheduler: 'rr' }, [
      ev('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-web',
        BackendServers: [{ ServerId: 'i-b', Port: 8080, Weight: 0 }],
      }),
    ]);
    const rr = block(exportNginx(zero).config, 'upstream u3_rsp_web');
    expect(rr).toContain('server 10.0.0.11:8080 weight=1 max_fails=0;  # i-a:8080 Weight 5');
    expect(rr).toContain('server 10.0.0.12:8080 weight=1 max_fails=0 down;  # i-b:8080 Weight 0');
    const wlc = exportNginx(liveState({ Scheduler: 'wlc' })).config;
    expect(block(wlc, 'upstream u3_rsp_web')).toContain('least_conn;');
  });

  it('a group with no eligible backend answers 503 without an upstream', () => {
    const state = liveState({}, [
      ev('SetVServerGroupAttribute', {
        VServerGroupId: 'rsp-api',
        BackendServers: [
          { ServerId: 'i-a', Port: 9090, Weight: 0 },
          { ServerId: 'i-b', Port: 9090, Weight: 0 },
          { ServerId: 'i-c', Port: 9090, Weight: 0 },
        ],
      }),
    ]);
    const { config } = exportNginx(state);
    expect(block(config, 'domain api.example.com')).toContain('return 503;  # no eligible backend');
    expect(config).not.toContain('rsp_api {');
  });

  it('url-also places the URL-only rules in every domain server too', () => {
    const { config } = exportNginx(liveState(), { ruleMatching: 'url-also' });
    expect(block(config, 'domain api.example.com')).toContain(
      'location ^~ /static {  # rule static (rule-static) (URL-only, url-also)',
    );
  });

  it('a stopped listener is not exported and says so', () => {
    const state = liveState({}, [
      ev('StopLoadBalancerListener', {
        LoadBalancerId: 'lb-live',
        ListenerPort: 80,
        ListenerProtocol: 'http',
      }),
    ]);
    const out = exportNginx(state);
    expect(out.listeners.size).toBe(0);
    expect(out.notes).toContain(
      'lb-live:http:80: listener stopped, not exported (CLB refuses its connections)',
    );
    expect(out.config).toContain('# note: lb-live:http:80: listener stopped');
  });

  it('a listener without a VServer group falls back to the default pool on BackendServerPort', () => {
    const state = liveState({ VServerGroupId: undefined });
    const { config } = exportNginx(state);
    expect(block(config, 'hosts matching no domain rule')).toContain(
      'location / {  # no rule: default pool :80',
    );
    expect(config).toContain('server 10.0.0.12:80 weight=1 max_fails=0;  # i-b:80 Weight 1');
  });

  describe('URL matching (issue 10 §1)', () => {
    const rules = (RuleList: RuleInput[]) =>
      liveState({}, [
        ev('CreateRules', {
          LoadBalancerId: 'lb-live',
          ListenerPort: 80,
          ListenerProtocol: 'http',
          RuleList,
        }),
      ]);
    const r = (RuleName: string, Url: string, Domain?: string) => ({
      RuleId: `rule-${RuleName}`,
      RuleName,
      Url,
      ...(Domain ? { Domain } : {}),
      VServerGroupId: 'rsp-api',
    });

    it('writes rule URLs as ^~ prefixes, decoded as the model matches them, with merge_slashes on', () => {
      const { config } = exportNginx(rules([r('tilde', '/%7Euser'), r('q', '/a%3Fb'), r('sp', '/a%20b')]));
      const fallback = block(config, 'hosts matching no domain rule');
      expect(fallback).toContain('location ^~ /~user {  # rule tilde (rule-tilde) (URL-only)');
      expect(fallback).toContain('location ^~ /a?b {  # rule q (rule-q) (URL-only)');
      expect(fallback).toContain('location ^~ "/a b" {  # rule sp (rule-sp) (URL-only)');
      expect(config).toContain("merge_slashes on;  # Tengine's default; the model merges too");
    });

    it('given a URL ending in /, then an exact location sends the URI without it where the model does (no 301)', () => {
      const { config } = exportNginx(
        rules([r('docs', '/docs/'), r('d', '/do'), r('own', '/v1/', 'shop.example.com')]),
      );
      const fallback = block(config, 'hosts matching no domain rule');
      expect(fallback).toContain('location ^~ /docs/ {  # rule docs (rule-docs) (URL-only)');
      expect(fallback).toContain(
        "location = /docs {  # rule d (rule-d) (URL-only) (exact /docs: no 301 to /docs/, as CLB's prefix /docs/ does not match /docs)",
      );
      expect(block(config, 'domain shop.example.com')).toContain(
        'location = /v1 {  # no rule: listener VServer group rsp-web (exact /v1: no 301 to /v1/',
      );
    });

    it('given a URL with a malformed escape, then it matches nothing: left out, with a note', () => {
      const out = exportNginx(rules([r('bad', '/bad%zz')]));
      expect(out.config).not.toContain('/bad%zz {');
      expect(out.notes).toContain(
        'lb-live:http:80: rule bad (rule-bad) URL /bad%zz has a malformed escape or %00: it matches no valid request, not exported',
      );
    });

    it('given URL matching raw, then URLs are written as they are and the file says nginx cannot do it', () => {
      const out = exportNginx(rules([r('tilde', '/%7Euser')]), { urlMatching: 'raw' });
      expect(out.config).toContain('location ^~ /%7Euser {');
      expect(out.config).toContain('merge_slashes off;');
      expect(out.notes.some((n) => n.startsWith('urlMatching raw is not expressible'))).toBe(true);
    });

    it.skipIf(!NGINX)('passes `nginx -t` with decoded, quoted and exact locations', () => {
      const state = rules([
        r('tilde', '/%7Euser'),
        r('q', '/a%3Fb'),
        r('sp', '/a%20b#x'),
        r('docs', '/docs/'),
      ]);
      const t = testNginxConfig(NGINX!, exportNginx(state, { backends: mapAll() }).config);
      expect(t.ok, t.output).toBe(true);
    });
  });

  it.skipIf(!NGINX)('passes `nginx -t`', () => {
    for (const state of [liveState(), liveState({ Scheduler: 'wlc' })]) {
      const { config } = exportNginx(state, { backends: mapAll(), listenPortOffset: 20000 });
      const t = testNginxConfig(NGINX!, config);
      expect(t.ok, t.output).toBe(true);
    }
  });
});
