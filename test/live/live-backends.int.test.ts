import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendFleet, GROUP_HEADER, HEALTH_HEADER } from '../../src/live/live-backends.js';

function get(
  port: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; backend: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, backend: String(res.headers['x-backend']) }),
      );
    });
    req.on('error', reject);
  });
}

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

let fleet: BackendFleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('BackendFleet', () => {
  it('given two backends, when each is asked, then each answers with its X-Backend and counts it', async () => {
    fleet = await BackendFleet.start([
      { ServerId: 'i-a', Port: 8080 },
      { ServerId: 'i-b', Port: 9090 },
      { ServerId: 'i-a', Port: 8080 },
    ]);
    expect(fleet.backends.map((b) => b.key)).toEqual(['i-a:8080', 'i-b:9090']);
    const a = fleet.backends[0];
    const b = fleet.backends[1];
    expect(a.port).toBeGreaterThan(0);
    expect(a.port).not.toBe(b.port);
    expect(await get(a.port)).toEqual({ status: 200, backend: 'i-a:8080' });
    expect(await get(a.port)).toEqual({ status: 200, backend: 'i-a:8080' });
    expect(await get(b.port)).toEqual({ status: 200, backend: 'i-b:9090' });
    expect(Array.from(fleet.served)).toEqual([2, 1]);
  });

  it('counts health checks apart from served requests', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }]);
    const port = fleet.backends[0].port;
    await get(port, { [HEALTH_HEADER]: '1' });
    await get(port);
    expect(fleet.served[0]).toBe(1);
    expect(fleet.healthChecks[0]).toBe(1);
  });

  it('writes an address map naming the modelled and the real port', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }]);
    expect(fleet.addressMap()).toEqual({
      version: 1,
      backends: [{ ServerId: 'i-a', Port: 80, address: '127.0.0.1', port: fleet.backends[0].port }],
    });
  });

  it('given a killed backend, then connects are refused and open keep-alive sockets are closed; restarted, it answers on the same port', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }]);
    const port = fleet.backends[0].port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await new Promise<void>((resolve) =>
      http.get({ host: '127.0.0.1', port, agent }, (r) => r.resume().on('end', resolve)),
    );
    const socketClosed = new Promise<void>((resolve) => {
      const s = Object.values(agent.freeSockets)[0]?.[0];
      s?.on('close', () => resolve());
    });
    await fleet.kill(0);
    await socketClosed;
    expect(fleet.backends[0].alive).toBe(false);
    expect(await connectRefused(port)).toBe(true);
    const newPort = await fleet.restart(0);
    expect(newPort).toBe(port);
    expect(await get(port)).toEqual({ status: 200, backend: 'i-a:80' });
    agent.destroy();
  });

  it('given its old port taken while it was down, when restarted, then it moves and watchers learn the new port', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }]);
    const port = fleet.backends[0].port;
    const moves: Array<[number, number]> = [];
    fleet.watch((i, p) => moves.push([i, p]));
    await fleet.kill(0);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const newPort = await fleet.restart(0);
      expect(newPort).not.toBe(port);
      expect(moves).toEqual([[0, newPort]]);
      expect(await get(newPort)).toEqual({ status: 200, backend: 'i-a:80' });
    } finally {
      squatter.close();
    }
  });

  it('given a preferred port already in use, when starting, then it fails with a clear message and leaves nothing listening', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      await expect(
        BackendFleet.start([{ ServerId: 'i-a', Port: 80 }], { ports: new Map([['i-a:80', port]]) }),
      ).rejects.toThrow(`backend i-a:80: 127.0.0.1:${port} is already in use`);
    } finally {
      squatter.close();
    }
  });

  it('applies a modelled service time before answering (backend entry beats group and default)', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }], {
      service: {
        default: { kind: 'constant', value: 1 },
        groups: { 'rsp-slow': { kind: 'constant', value: 200_000 } },
        backends: { 'i-a:80': { kind: 'constant', value: 30_000 } },
      },
    });
    const port = fleet.backends[0].port;
    const r = await get(port, { [GROUP_HEADER]: 'rsp-slow' });
    expect(r).toEqual({ status: 200, backend: 'i-a:80' });
    expect(fleet.served[0]).toBe(1);
  });

  it('a request waiting out its service time when the backend is killed is not counted as served', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }], {
      service: { groups: {}, backends: { 'i-a': { kind: 'constant', value: 60_000_000 } } },
    });
    const port = fleet.backends[0].port;
    const failed = get(port).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await fleet.kill(0);
    expect(await failed).toBe('failed');
    expect(fleet.served[0]).toBe(0);
  });

  it('closes itself after its lifetime', async () => {
    fleet = await BackendFleet.start([{ ServerId: 'i-a', Port: 80 }], { lifetimeMs: 20 });
    const port = fleet.backends[0].port;
    await new Promise((r) => setTimeout(r, 100));
    expect(fleet.isClosed).toBe(true);
    expect(await connectRefused(port)).toBe(true);
  });
});
