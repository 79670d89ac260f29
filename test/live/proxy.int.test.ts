import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FLAG_AWAITS_COMPLETION,
  FLAG_COOKIE_ISSUED,
  FLAG_RETRIED,
  FLAG_STICKY,
} from '../../src/journal/journal-rows.js';
import { ListenerProxy, PortInUseError } from '../../src/live/proxy.js';
import { Balancer, RouteResult } from '../../src/routing/balancer.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_BAD_REQUEST,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_BACKEND,
  OUTCOME_OK,
} from '../../src/routing/outcomes.js';
import { rawGet } from '../helpers/raw-http.js';
import { ev, liveState } from './fixtures.js';
import { request, sequence, until, type World, world } from './harness.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const letters = (seq: string[], keys: string[]) =>
  seq.map((k) => String.fromCharCode(65 + keys.indexOf(k))).join('');

describe('listener proxy', () => {
  it('given the listener group {5,1,1}, when 14 requests go through one connection, then they follow nginx SWRR exactly: AABACAA twice', async () => {
    w = await world(liveState());
    const seq = await sequence(w.url, 'www.example.com', 14);
    expect(letters(seq, ['i-a:8080', 'i-b:8080', 'i-c:8080'])).toBe('AABACAAAABACAA');
    expect(w.fleet.served[w.fleet.indexOf('i-a:8080')]).toBe(10);
  });

  it("given the api rule {4,3,2}, then two whole cycles are ABCABACBA twice, and the counts equal a fresh Balancer's picks", async () => {
    const state = liveState();
    w = await world(state);
    const seq = await sequence(w.url, 'API.example.com:80', 18, '/v1/items?x=1');
    expect(letters(seq, ['i-a:9090', 'i-b:9090', 'i-c:9090'])).toBe('ABCABACBAABCABACBA');
    // The same requests decided by the simulation's balancer directly.
    const b = new Balancer(state, {
      seed: '0',
      cluster: { nodes: 1, workers: 1 },
      ruleMatching: 'domain-first',
      l4Order: 'kernel',
    });
    const out = new RouteResult();
    const direct: string[] = [];
    for (let i = 0; i < 18; i++) {
      b.resolve(b.listenerOf('lb-live:http:80'), 'API.example.com:80', '/v1/items?x=1', out);
      b.pick(out, 0x7f000001, 40000, undefined, 0);
      direct.push(b.backends[out.backend].key);
    }
    expect(seq).toEqual(direct);
  });

  it('routes by rule: wildcard domain + URL, URL-only rule, and the fallback', async () => {
    w = await world(liveState());
    expect((await request(w.url, 'a.img.example.com', '/thumbs/1.png')).backend).toMatch(/:7070$/);
    expect((await request(w.url, 'a.img.example.com', '/other')).backend).toMatch(/:8080$/);
    expect((await request(w.url, 'other.test', '/static/app.js')).backend).toMatch(/:7070$/);
    expect((await request(w.url, 'img.example.com', '/thumbs')).backend).toMatch(/:8080$/);
  });

  it('given a target or Host Tengine rejects, then it answers 400, closes the connection and journals bad-request (issue 10)', async () => {
    w = await world(liveState());
    const port = Number(new URL(w.url).port);
    const above = await rawGet(port, '/v1/../../x', 'api.example.com');
    expect([above.status, above.headers.connection, above.headers['x-backend']]).toEqual([
      400,
      'close',
      undefined,
    ]);
    expect((await rawGet(port, '/', 'api..example.com')).status).toBe(400);
    // Normalised as nginx does, the dot segment and the escape reach the api.example.com rule.
    expect((await rawGet(port, '/x/../%76%31/items', 'api.example.com')).headers['x-backend']).toMatch(
      /:9090$/,
    );
    w.journal.flush();
    expect(w.rows.routed.map((r) => [r.outcome, r.scope, r.backend, r.attempts])).toEqual([
      [OUTCOME_BAD_REQUEST, -1, -1, 0],
      [OUTCOME_BAD_REQUEST, -1, -1, 0],
      [OUTCOME_OK, w.rows.routed[2].scope, w.rows.routed[2].backend, 1],
    ]);
    expect([w.stats.badRequest, w.stats.ok, w.fleet.served.reduce((a, b) => a + b, 0)]).toEqual([2, 1, 1]);
  });

  it('journals each request: an OK row with attempts 1 awaiting its completion row', async () => {
    w = await world(liveState());
    await sequence(w.url, 'www.example.com', 3);
    w.journal.flush();
    expect(w.rows.routed.map((r) => [r.id, r.outcome, r.attempts, r.flags])).toEqual([
      [0, OUTCOME_OK, 1, FLAG_AWAITS_COMPLETION],
      [1, OUTCOME_OK, 1, FLAG_AWAITS_COMPLETION],
      [2, OUTCOME_OK, 1, FLAG_AWAITS_COMPLETION],
    ]);
    expect(w.rows.completed.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(w.rows.control.filter((c) => c.type === 'TemplateDefined')).toHaveLength(1);
  });

  it('given every backend of the matched group at weight 0, then it answers 503 with no upstream and journals no-eligible-backend', async () => {
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
    w = await world(state);
    const r = await request(w.url, 'api.example.com');
    expect(r.status).toBe(503);
    expect(r.backend).toBeUndefined();
    expect(r.body).toContain('503 Service Temporarily Unavailable');
    w.journal.flush();
    expect(w.rows.routed.map((x) => [x.outcome, x.backend])).toEqual([[OUTCOME_NO_BACKEND, -1]]);
    expect(w.fleet.served.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('given insert stickiness, then the first response sets SERVERID and a client sending it back stays on that backend', async () => {
    w = await world(liveState({ StickySession: 'on', StickySessionType: 'insert', CookieTimeout: 600 }));
    const first = await request(w.url, 'www.example.com');
    expect(first.setCookie).toHaveLength(1);
    const cookie = first.setCookie![0];
    expect(cookie).toMatch(/^SERVERID=[0-9a-f]{32}; Max-Age=600; Path=\/$/);
    const sid = cookie.slice('SERVERID='.length, cookie.indexOf(';'));
    const again = [];
    for (let i = 0; i < 6; i++)
      again.push(await request(w.url, 'www.example.com', '/', { cookie: `a=1; SERVERID=${sid}` }));
    expect(new Set(again.map((r) => r.backend))).toEqual(new Set([first.backend]));
    expect(again.every((r) => r.setCookie === undefined)).toBe(true);
    w.journal.flush();
    expect(w.rows.routed[0].flags & FLAG_COOKIE_ISSUED).toBe(FLAG_COOKIE_ISSUED);
    expect(w.rows.routed.slice(1).every((r) => (r.flags & FLAG_STICKY) !== 0)).toBe(true);
  });

  it('given a killed backend not yet detected, then requests picked for it are retried on the next backend, counted and attributed, and nothing crashes', async () => {
    w = await world(liveState());
    await w.fleet.kill(w.fleet.indexOf('i-a:8080'));
    const seq = await sequence(w.url, 'www.example.com', 14);
    expect(seq.every((k) => k === 'i-b:8080' || k === 'i-c:8080')).toBe(true);
    // i-a had 10 of the 14 picks; each failed once and went to the next pick instead.
    const ia = w.balancer.findBackend('i-a', 8080);
    expect(w.stats.failedAttempts[ia]).toBeGreaterThanOrEqual(1);
    expect(w.stats.retries).toBe(w.stats.failedAttempts[ia]);
    w.journal.flush();
    const retried = w.rows.routed.filter((r) => (r.flags & FLAG_RETRIED) !== 0);
    expect(retried.length).toBe(w.stats.retries);
    expect(retried.every((r) => r.attempts === 2 && r.outcome === OUTCOME_OK)).toBe(true);
    // As in the simulation's journal: one AttemptFailed row per retry, on i-a, before its routed row.
    expect(w.rows.attemptsFailed.length).toBe(w.stats.retries);
    for (const a of w.rows.attemptsFailed) {
      expect(a.backend).toBe(ia);
      expect(w.rows.order.indexOf(`r${a.id}`)).toBeGreaterThan(a.at);
    }
  });

  it('given every backend of the group dead, then each request fails with 502 after trying each once', async () => {
    w = await world(liveState());
    for (const key of ['i-a:9090', 'i-b:9090', 'i-c:9090']) await w.fleet.kill(w.fleet.indexOf(key));
    const r = await request(w.url, 'api.example.com');
    expect(r.status).toBe(502);
    w.journal.flush();
    expect(w.rows.routed.map((x) => [x.outcome, x.attempts])).toEqual([[OUTCOME_BACKEND_ERROR, 3]]);
    expect(w.stats.backendErrors).toBe(1);
    // Each attempt is attributed to its backend: two failed attempts, then the last as the 502 itself.
    const world_ = w;
    const keys = (bs: number[]) => bs.map((b) => world_.balancer.backends[b].key);
    expect(keys([...w.rows.attemptsFailed.map((a) => a.backend), w.rows.routed[0].backend]).sort()).toEqual([
      'i-a:9090',
      'i-b:9090',
      'i-c:9090',
    ]);
  });

  it('given the listener stopped, then the connection is dropped and journalled as listener-stopped', async () => {
    const state = liveState({}, [
      ev('StopLoadBalancerListener', {
        LoadBalancerId: 'lb-live',
        ListenerPort: 80,
        ListenerProtocol: 'http',
      }),
    ]);
    w = await world(state);
    await expect(request(w.url, 'www.example.com')).rejects.toThrow();
    w.journal.flush();
    expect(w.rows.routed.map((x) => x.outcome)).toEqual([OUTCOME_LISTENER_STOPPED]);
  });

  it('forwards request bodies (buffered) and the method', async () => {
    w = await world(liveState());
    const r = await request(
      w.url,
      'www.example.com',
      '/upload',
      { 'content-type': 'text/plain' },
      'POST',
      'x'.repeat(5000),
    );
    expect(r.status).toBe(200);
  });

  it('given a client that leaves before its body is complete, then nothing is routed and nothing stays open', async () => {
    w = await world(liveState());
    const world_ = w;
    const port = Number(new URL(world_.url).port);
    const s = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((r) => s.on('connect', () => r()));
    s.write('POST /upload HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 1000\r\n\r\n0123456789');
    await until(() => world_.stats.arrived === 1);
    s.destroy();
    await until(() => world_.stats.open === 0);
    world_.journal.flush();
    expect(world_.rows.routed).toEqual([]);
    // The next request on the same exchange pool is served normally.
    expect((await request(world_.url, 'www.example.com', '/up', {}, 'POST', 'abc')).status).toBe(200);
  });

  it('given its port already in use, then start fails with a clear message', async () => {
    w = await world(liveState());
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const other = new ListenerProxy(w.proxy.ctx, 'lb-live:http:80');
      await expect(other.start(port)).rejects.toThrow(PortInUseError);
      await expect(other.start(port)).rejects.toThrow(
        `127.0.0.1:${port} is already in use (proxy for listener lb-live:http:80)`,
      );
    } finally {
      squatter.close();
    }
  });
});
