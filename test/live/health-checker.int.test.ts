import { afterEach, describe, expect, it } from 'vitest';
import { parseCodes } from '../../src/live/health-checker.js';
import { liveState } from './fixtures.js';
import { sequence, until, type World, world } from './harness.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('health checker', () => {
  it('given a killed backend, when the unhealthy threshold of checks fail, then the balancer stops picking it; restarted, it comes back after the healthy threshold', async () => {
    // Interval 1 s, thresholds 2/2; the clock runs 5× faster, so a check every 200 ms (and a 1 s
    // timeout, which a busy machine still meets for the backends that are up).
    w = await world(liveState(), { scale: 5 });
    const world_ = w;
    world_.health.start();
    const ia = world_.fleet.indexOf('i-a:8080');
    await world_.fleet.kill(ia);
    await until(() => world_.health.verdict('lb-live:http:80', 'i-a:8080') === false);
    const retriesBefore = world_.stats.retries;
    const seq = await sequence(world_.url, 'www.example.com', 4);
    // With i-a out, the group {1,1} alternates and nothing is retried.
    expect(seq).toEqual(['i-b:8080', 'i-c:8080', 'i-b:8080', 'i-c:8080']);
    expect(world_.stats.retries).toBe(retriesBefore);
    await world_.fleet.restart(ia);
    await until(() => world_.health.verdict('lb-live:http:80', 'i-a:8080') === true);
    const back = await sequence(world_.url, 'www.example.com', 7);
    expect(back.filter((k) => k === 'i-a:8080')).toHaveLength(5);
    world_.journal.flush();
    const changes = world_.rows.control.filter((c) => c.type === 'HealthChanged');
    // i-a:8080 is in one scope (the listener group): one change down, one up.
    expect(changes.map((c) => (c.type === 'HealthChanged' ? c.healthy : null))).toEqual([false, true]);
    const epochs = world_.rows.control.filter((c) => c.type === 'EpochStarted' && c.cause === 'health');
    expect(epochs).toHaveLength(2);
    expect(world_.fleet.healthChecks.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('checks every backend the listener schedules, once per backend per owner', async () => {
    w = await world(liveState());
    // rsp-web 3 + rsp-api 3 + rsp-img 2 (two scopes, one probe each backend) + default pool 2.
    expect(w.health.probeCount).toBe(10);
  });

  it('parses HealthCheckHttpCode', () => {
    expect(parseCodes('http_2xx,http_3xx')).toEqual([2, 3]);
    expect(parseCodes('http_4xx')).toEqual([4]);
    expect(parseCodes('')).toEqual([2]);
  });
});
