import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POOL_OPTIONS, UpstreamPool, type UpstreamSink } from '../../src/live/upstream.js';

/** A raw TCP server answering each request (one per `\r\n\r\n`) with the next scripted bytes. */
async function scripted(
  answers: Array<string | ((s: net.Socket) => void)>,
): Promise<{ port: number; connections: () => number; close: () => void }> {
  let next = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        const a = answers[next++ % answers.length];
        if (typeof a === 'string') s.write(a);
        else a(s);
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

class Collect implements UpstreamSink {
  status = 0;
  headers: string[] = [];
  body = '';
  error: { code: string; before: boolean } | null = null;
  readonly done: Promise<void>;
  private resolve!: () => void;
  constructor() {
    this.done = new Promise((r) => {
      this.resolve = r;
    });
  }
  onUpstreamHead(status: number, headers: string[]): void {
    this.status = status;
    this.headers = headers;
  }
  onUpstreamData(chunk: Buffer, last: boolean): void {
    this.body += chunk.toString();
    if (last) this.resolve();
  }
  onUpstreamError(code: string, before: boolean): void {
    this.error = { code, before };
    this.resolve();
  }
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

async function exchange(pool: UpstreamPool, head = GET, noBody = false): Promise<Collect> {
  const c = new Collect();
  pool.request(c, head, null, noBody);
  await c.done;
  return c;
}

describe('UpstreamPool', () => {
  it('reads Content-Length bodies and reuses one keep-alive connection', async () => {
    const srv = await scripted(['HTTP/1.1 200 OK\r\nX-Backend: i-a:80\r\nContent-Length: 5\r\n\r\nhello']);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port);
    cleanup.push(() => pool.close());
    for (let i = 0; i < 3; i++) {
      const c = await exchange(pool);
      expect(c.status).toBe(200);
      expect(c.body).toBe('hello');
      expect(c.headers).toEqual(['X-Backend', 'i-a:80', 'Content-Length', '5']);
    }
    expect(srv.connections()).toBe(1);
    expect(pool.idleCount).toBe(1);
  });

  it('decodes chunked bodies split across packets and drops hop-by-hop headers', async () => {
    const srv = await scripted([
      (s) => {
        s.write(
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n4\r\nab',
        );
        setTimeout(() => s.write('cd\r\n3;ext=1\r\nefg\r\n0\r\n\r\n'), 10);
      },
    ]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port);
    cleanup.push(() => pool.close());
    const c = await exchange(pool);
    expect(c.body).toBe('abcdefg');
    expect(c.headers).toEqual([]);
    expect(pool.idleCount).toBe(1);
  });

  it('reads a close-delimited body to the end and does not reuse the connection', async () => {
    const srv = await scripted([
      (s) => {
        s.write('HTTP/1.0 200 OK\r\n\r\npart1-');
        setTimeout(() => s.end('part2'), 10);
      },
    ]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port);
    cleanup.push(() => pool.close());
    const c = await exchange(pool);
    expect(c.body).toBe('part1-part2');
    expect(pool.idleCount).toBe(0);
  });

  it('skips a 100 Continue interim response and honours HEAD (no body)', async () => {
    const srv = await scripted([
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n',
    ]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port);
    cleanup.push(() => pool.close());
    const first = await exchange(pool);
    expect(first.status).toBe(204);
    const head = await exchange(pool, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n', true);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(srv.connections()).toBe(1);
  });

  it('reports a refused connect as retryable (before any response byte)', async () => {
    const srv = await scripted(['']);
    const port = srv.port;
    srv.close();
    const pool = new UpstreamPool('127.0.0.1', port);
    const c = await exchange(pool);
    expect(c.error).toEqual({ code: 'ECONNREFUSED', before: true });
    expect(pool.open).toBe(0);
  });

  it('reports a connection cut mid-response as not retryable', async () => {
    const srv = await scripted([(s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort')]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port);
    const c = await exchange(pool);
    expect(c.error).toEqual({ code: 'EPREMATURECLOSE', before: false });
  });

  it('reports a read timeout as ETIMEDOUT (not retried by the proxy)', async () => {
    const srv = await scripted([() => {}]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port, { ...DEFAULT_POOL_OPTIONS, readTimeoutMs: 50 });
    const c = await exchange(pool);
    expect(c.error).toEqual({ code: 'ETIMEDOUT', before: true });
  });

  it('queues exchanges beyond maxSockets and serves them in order on released connections', async () => {
    const srv = await scripted([
      (s) => setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1'), 20),
    ]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port, { ...DEFAULT_POOL_OPTIONS, maxSockets: 2 });
    cleanup.push(() => pool.close());
    const sinks = Array.from({ length: 6 }, () => new Collect());
    for (const s of sinks) pool.request(s, GET, null, false);
    expect(pool.open).toBe(2);
    expect(pool.queued).toBe(4);
    await Promise.all(sinks.map((s) => s.done));
    expect(sinks.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(srv.connections()).toBe(2);
  });

  it('an unreachable pool (stopped ECS) fails each exchange with a connect timeout, retryable', async () => {
    const pool = new UpstreamPool('127.0.0.1', 1, { ...DEFAULT_POOL_OPTIONS, connectTimeoutMs: 20 });
    pool.unreachable = true;
    const c = await exchange(pool);
    expect(c.error).toEqual({ code: 'ECONNECTTIMEOUT', before: true });
    expect(pool.open).toBe(0);
  });

  it('a closed pool refuses at once; close() fails the queued exchanges', async () => {
    const srv = await scripted([() => {}]);
    cleanup.push(srv.close);
    const pool = new UpstreamPool('127.0.0.1', srv.port, { ...DEFAULT_POOL_OPTIONS, maxSockets: 1 });
    const busy = new Collect();
    const queued = new Collect();
    pool.request(busy, GET, null, false);
    pool.request(queued, GET, null, false);
    pool.close();
    await queued.done;
    expect(queued.error).toEqual({ code: 'ECONNABORTED', before: true });
    const late = await exchange(pool);
    expect(late.error).toEqual({ code: 'ECONNREFUSED', before: true });
  });
});
