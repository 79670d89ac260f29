import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { crossCheck } from '../../src/live/cross-check.js';
import { LiveRun } from '../../src/live/live-run.js';
import { PortInUseError } from '../../src/live/proxy.js';
import { distributionFromReport } from '../../src/report/distribution-compare.js';
import { createReportProjections } from '../../src/report/report-projection.js';
import { loadText, scenarioText } from './scenario-fixture.js';

function refused(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ port: Number(u.port), host: u.hostname });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe('live run', () => {
  it('given exact mode and one connection, when 700 requests run, then rsp-w gets 100 whole cycles of {5,1,1}, both sides count alike and the cross-check is exact', async () => {
    const scenario = loadText(scenarioText());
    const projections = createReportProjections();
    const run = await LiveRun.start({ scenario, connections: 1, sinks: [projections.sink] });
    const urls = [...run.urls.values()];
    const r = await run.run();
    const report = projections.build();

    expect(r.partial).toBe(false);
    expect(r.load.accounting).toEqual({ sent: 700, completed: 700, failed: 0, lost: 0, inFlight: 0 });
    expect(Object.fromEntries(r.backendCounts)).toEqual({
      'i-a:8080': 500,
      'i-b:8080': 100,
      'i-c:8080': 100,
    });
    expect(Object.fromEntries(r.load.clientCounts)).toEqual({
      'i-a:8080': 500,
      'i-b:8080': 100,
      'i-c:8080': 100,
    });
    const group = report.groups.find((g) => g.VServerGroupId === 'rsp-w')!;
    expect(group.epochs).toHaveLength(1);
    expect(group.epochs[0].backends.map((b) => b.count)).toEqual([500, 100, 100]);
    expect(group.epochs[0].sequence?.completeCycles).toBe(100);
    expect(group.epochs[0].sequence?.cyclesExact).toBe(true);
    expect(report.requests).toBe(700);
    expect(r.journal).toEqual({ routed: 700, completed: 700, dropped: 0 });
    expect(r.traceRows).toBe(700);

    const cross = crossCheck(scenario, r.tracePath, r.seed, distributionFromReport(report), 0.01);
    expect(cross.simulated).toBe(700);
    expect(cross.compare.passed).toBe(true);
    expect(cross.compare.groups.map((g) => [g.group, g.maxAbsDiff])).toEqual([['rsp-w', 0]]);
    // Everything is closed afterwards.
    for (const url of urls) expect(await refused(url)).toBe(true);
  });

  it('given a backend killed mid-run, then the run completes: its requests are retried, the failures counted and attributed, accounting exact', async () => {
    // Load for 1.5 wall seconds (7.5 scenario seconds); i-a dies at 1.5s (0.3 s wall); checks every 0.2 s.
    const scenario = loadText(
      scenarioText('timeline:\n  - { at: 1.5s, fault: BackendFailed, ServerId: i-a, Port: 8080 }\n'),
    );
    const projections = createReportProjections();
    const run = await LiveRun.start({
      scenario,
      connections: 4,
      durationS: 1.5,
      timeScale: 5,
      sinks: [projections.sink],
    });
    const r = await run.run();
    const report = projections.build();
    expect(r.partial).toBe(false);
    const a = r.load.accounting;
    expect(a.sent).toBe(a.completed + a.failed + a.lost + a.inFlight);
    expect(r.load.statusCounts.get(200)).toBe(a.completed);
    expect(a.failed + a.lost).toBe(0);
    expect(r.timeline.map((e) => e.what)).toEqual(['BackendFailed i-a:8080']);
    expect(r.proxy.retries).toBeGreaterThan(0);
    expect(r.failedAttempts.get('i-a:8080')).toBe(r.proxy.retries);
    expect(r.proxy.backendErrors).toBe(0);
    // Requests cut off when the duration ended were answered by a backend but never reached the client.
    for (const [backend, n] of r.backendCounts)
      expect(n - (r.load.clientCounts.get(backend) ?? 0)).toBeLessThanOrEqual(a.inFlight);
    expect(report.retried).toBe(r.proxy.retries);
    // The health check noticed: a later epoch of rsp-w has i-a ineligible.
    const group = report.groups.find((g) => g.VServerGroupId === 'rsp-w')!;
    const health = group.epochs.filter((e) => e.cause === 'health');
    expect(health.length).toBeGreaterThanOrEqual(1);
    expect(health[0].backends.find((b) => b.ServerId === 'i-a')?.eligible).toBe(false);
    expect(health[0].backends.find((b) => b.ServerId === 'i-a')?.count).toBe(0);
  });

  it('given a weight change in the timeline, then the balancer starts a new epoch with the new weights, each epoch in whole cycles', async () => {
    const scenario = loadText(
      scenarioText(
        'timeline:\n  - at: 2s\n    action: SetVServerGroupAttribute\n    params: { VServerGroupId: rsp-w, BackendServers: [{ ServerId: i-a, Port: 8080, Weight: 1 }] }\n',
      ),
    );
    const projections = createReportProjections();
    const run = await LiveRun.start({
      scenario,
      connections: 1,
      durationS: 1.2,
      timeScale: 5,
      sinks: [projections.sink],
    });
    const r = await run.run();
    expect(r.timeline.map((e) => [e.at, e.what])).toEqual([[2_000_000, 'SetVServerGroupAttribute rsp-w']]);
    const group = projections.build().groups.find((g) => g.VServerGroupId === 'rsp-w')!;
    expect(group.epochs.map((e) => e.cause)).toEqual(['start', 'SetVServerGroupAttribute']);
    expect(group.epochs[1].backends.map((b) => b.Weight)).toEqual([1, 1, 1]);
    for (const e of group.epochs) expect(e.sequence?.cyclesExact).not.toBe(false);
    const [a, b, c] = group.epochs[1].backends.map((x) => x.count);
    expect(Math.max(a, b, c) - Math.min(a, b, c)).toBeLessThanOrEqual(1);
  });

  it("given phases, then each wall-clock second sends that second's planned requests (one autocannon instance per second)", async () => {
    // 200 requests over 8 scenario seconds at scale 4: 100 in each of 2 wall seconds.
    const scenario = loadText(scenarioText('', 'phases: [{ duration: 8s, arrivalRate: 25 }]'));
    const projections = createReportProjections();
    const run = await LiveRun.start({ scenario, connections: 2, timeScale: 4, sinks: [projections.sink] });
    const r = await run.run();
    expect(r.schedule).toBe("the scenario's 1 phase(s): 200 requests");
    expect(r.load.autocannon.instances).toBe(2);
    expect(r.load.accounting).toEqual({ sent: 200, completed: 200, failed: 0, lost: 0, inFlight: 0 });
    expect(r.load.notes[0]).toContain('within each second autocannon sends them as one burst');
    const cross = crossCheck(
      scenario,
      r.tracePath,
      r.seed,
      distributionFromReport(projections.build()),
      0.01,
    );
    expect(cross.compare.passed).toBe(true);
  });

  it('given --rate with --amount, then exactly that many are sent and the rate is noted as bursts', async () => {
    const scenario = loadText(scenarioText());
    const run = await LiveRun.start({ scenario, connections: 2, amount: 60, rate: 60 });
    const r = await run.run();
    expect(r.load.accounting).toEqual({ sent: 60, completed: 60, failed: 0, lost: 0, inFlight: 0 });
    expect(r.load.notes).toEqual([
      'rate 60/s: autocannon lets each connection send its share at the start of every second (bursts), not spaced out',
    ]);
  });

  it('given an interrupt (Ctrl-C), then the run stops early as partial and every server is closed', async () => {
    const scenario = loadText(scenarioText());
    const projections = createReportProjections();
    const run = await LiveRun.start({ scenario, connections: 2, durationS: 30, sinks: [projections.sink] });
    const urls = [...run.urls.values()];
    const done = run.run();
    setTimeout(() => run.interrupt(), 300);
    const r = await done;
    expect(r.partial).toBe(true);
    expect(projections.build().partial).toBe(true);
    const a = r.load.accounting;
    expect(a.sent).toBe(a.completed + a.failed + a.lost + a.inFlight);
    for (const url of urls) expect(await refused(url)).toBe(true);
  });

  it('given an interrupt while the phases still have seconds to go, then the run ends at once as partial', async () => {
    const scenario = loadText(scenarioText('', 'phases: [{ duration: 60s, arrivalRate: 20 }]'));
    const run = await LiveRun.start({ scenario, connections: 2 });
    const done = run.run();
    setTimeout(() => run.interrupt(), 300);
    const r = await done;
    expect(r.partial).toBe(true);
    expect(r.load.accounting.sent).toBeLessThan(1200);
  });

  it('given a proxy port already in use, then start fails with a clear error and leaves nothing running', async () => {
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      await expect(
        LiveRun.start({ scenario: loadText(scenarioText()), listenPortOffset: port - 80 }),
      ).rejects.toThrow(
        new PortInUseError(`127.0.0.1:${port} is already in use (proxy for listener lb-t:http:80)`),
      );
    } finally {
      squatter.close();
    }
  });

  it('rejects a schedule it cannot run', async () => {
    const loaded = loadText(scenarioText());
    const scenario = { ...loaded, traffic: { ...loaded.traffic!, requests: undefined, phases: [] } };
    await expect(LiveRun.start({ scenario })).rejects.toThrow('give --amount N or --duration D');
    await expect(LiveRun.start({ scenario, rate: 10 })).rejects.toThrow(
      '--rate needs --amount or --duration',
    );
  });
});
