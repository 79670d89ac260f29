/**
 * One live listener proxy: a real HTTP server on 127.0.0.1 that stands for one HTTP/HTTPS listener
 * and decides every request with the simulation's own `Balancer` (rules, fallbacks, schedulers,
 * stickiness, cluster model), then forwards it over the shared keep-alive pools.
 *
 * Per request, as CLB's Tengine does it:
 * - the client is the modelled one when the request carries `X-Slbsim-Client: ip:port` (the load
 *   driver sends it, so source-IP hashing and the cluster model see the scenario's clients), else
 *   the real socket peer;
 * - Host and path go to the resolver, the scope's sticky cookie (if any) to the picker;
 * - nothing eligible → 503 with no upstream; the listener stopped → the connection is dropped;
 * - a failed attempt goes to the routing layer's `Forwarder`, the policy the simulation applies
 *   too: a connect failure (refused, reset before the response, connect timeout) → the next
 *   backend (`proxy_next_upstream error timeout`), until every eligible member was tried → 502; a
 *   read timeout → 504;
 * - the sticky cookie the pick issues is added as `Set-Cookie` (the forwarder writes the line);
 * - every attempt's connection is released to the scheduler (wlc) when it ends.
 * Journal rows are written in one place (`record`, `recordAttemptFailed`, `recordCompleted`).
 * Request bodies are read completely before forwarding (nginx's `proxy_request_buffering on`), so
 * a retry can resend them.
 *
 * Hot path: exchanges are pooled objects that receive upstream callbacks as methods; no closures,
 * no JSON, no header objects built beyond what Node's server parser makes.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  FLAG_AWAITS_COMPLETION,
  FLAG_COOKIE_ISSUED,
  FLAG_RETRIED,
  FLAG_STICKY,
} from '../journal/journal-rows.js';
import type { Balancer } from '../routing/balancer.js';
import {
  type AttemptFailure,
  FAILURE_BROKEN,
  FAILURE_CONNECT,
  FAILURE_CONNECT_TIMEOUT,
  FAILURE_READ_TIMEOUT,
  Forwarder,
  TriedSet,
} from '../routing/forwarder.js';
import {
  OUTCOME_BACKEND_ERROR,
  OUTCOME_BAD_REQUEST,
  OUTCOME_NO_BACKEND,
  OUTCOME_OK,
} from '../routing/outcomes.js';
import { RouteResult } from '../routing/route-result.js';
import type { LiveClock } from './clock.js';
import type { JournalSequencer } from './journal-sequencer.js';
import { GROUP_HEADER, LOOPBACK } from './live-backends.js';
import type { LiveTemplates } from './templates.js';
import { eqIgnoreCase, type UpstreamSink } from './upstream.js';
import type { UpstreamDirectory } from './upstream-directory.js';

/** Header carrying the modelled client `ip:port`. */
export const CLIENT_HEADER = 'x-slbsim-client';
/** Header carrying the request-mix template index (set by the load driver). */
export const TEMPLATE_HEADER = 'x-slbsim-template';
/** Largest request body the proxy buffers (nginx's default client_max_body_size). */
export const MAX_BODY = 1024 * 1024;

/** Counters shared by all proxies of a run. */
export class ProxyStats {
  /** Requests that reached a proxy. */
  arrived = 0;
  /** Answered with the backend's response. */
  ok = 0;
  /** 503: nothing eligible. */
  noBackend = 0;
  /** Dropped because the listener is stopped (or unknown). */
  refused = 0;
  /** 502/504 or cut off: every try failed, or the response broke. */
  backendErrors = 0;
  /** Extra attempts after a failed one. */
  retries = 0;
  /** Requests whose body was too large (413, not routed). */
  tooLarge = 0;
  /** 400: Tengine rejects the URI or Host before routing (URL matching normalized). */
  badRequest = 0;
  /** Requests still being handled. */
  open = 0;
  /** Failed forwarding attempts per balancer backend index (refused, reset, timed out). */
  readonly failedAttempts: number[] = [];
}

/** What every proxy of one run shares. */
export interface ProxyContext {
  readonly balancer: Balancer;
  readonly directory: UpstreamDirectory;
  readonly clock: LiveClock;
  readonly journal: JournalSequencer | null;
  readonly templates: LiveTemplates;
  readonly stats: ProxyStats;
  /** Next request id (shared so ids are unique over all listeners). */
  nextId: number;
}

const PAGE_503 = errorPage('503 Service Temporarily Unavailable');
const PAGE_502 = errorPage('502 Bad Gateway');
const PAGE_504 = errorPage('504 Gateway Time-out');
const PAGE_413 = errorPage('413 Request Entity Too Large');
const PAGE_400 = errorPage('400 Bad Request');

function errorPage(title: string): Buffer {
  return Buffer.from(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n`,
  );
}

function pageHeaders(page: Buffer): string[] {
  return ['Content-Type', 'text/html', 'Content-Length', String(page.length)];
}
const HEADERS_503 = pageHeaders(PAGE_503);
const HEADERS_502 = pageHeaders(PAGE_502);
const HEADERS_504 = pageHeaders(PAGE_504);
const HEADERS_413 = pageHeaders(PAGE_413);
/** nginx closes the connection after a 400 (`ngx_http_special_response_handler`). */
const HEADERS_400 = [...pageHeaders(PAGE_400), 'Connection', 'close'];

export class ListenerProxy {
  readonly listener: number;
  /** The retry policy and sticky cookies (the simulation's own). */
  readonly forwarder: Forwarder;
  private server: http.Server | null = null;
  private readonly free: Exchange[] = [];
  port = 0;

  constructor(
    readonly ctx: ProxyContext,
    readonly listenerKey: string,
  ) {
    this.listener = ctx.balancer.listenerOf(listenerKey);
    this.forwarder = new Forwarder(ctx.balancer);
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** Listen on 127.0.0.1:`port` (0 = ephemeral, or the previous port when restarting). */
  start(port = this.port): Promise<number> {
    if (this.server) return Promise.resolve(this.port);
    const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => this.handle(req, res));
    // CLB's keep-alive idle timeout (clb-semantics.md §5.4).
    server.keepAliveTimeout = 15_000;
    server.headersTimeout = 60_000;
    server.requestTimeout = 0;
    return new Promise<number>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.close();
        reject(
          err.code === 'EADDRINUSE'
            ? new PortInUseError(
                `${LOOPBACK}:${port} is already in use (proxy for listener ${this.listenerKey})`,
              )
            : err,
        );
      };
      server.once('error', onError);
      server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', () => {});
        server.on('clientError', onClientError);
        this.server = server;
        this.port = (server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** Stop listening and drop every client connection (a stopped listener refuses). */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = null;
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ex = this.free.pop() ?? new Exchange(this);
    ex.begin(req, res);
  }

  recycle(ex: Exchange): void {
    if (this.free.length < 4096) this.free.push(ex);
  }
}

export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(message: string) {
    super(message);
    this.name = 'PortInUseError';
  }
}

function onClientError(_err: Error, socket: Socket): void {
  if (socket.writable)
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  else socket.destroy();
}

/** One request through the proxy: routing, attempts, the response, the journal row. */
class Exchange implements UpstreamSink {
  readonly out = new RouteResult();
  private readonly tried = new TriedSet();
  req: http.IncomingMessage | null = null;
  res: http.ServerResponse | null = null;
  private t = 0;
  private wallStart = 0;
  private id = 0;
  private seq = -1;
  private template = -1;
  private clientIp = 0;
  private clientPort = 0;
  private attempts = 0;
  private flags = 0;
  private headSent = false;
  private head = '';
  private body: Buffer | null = null;
  private chunks: Buffer[] = [];
  private bodyBytes = 0;
  private noBody = false;
  private cookieHeader: string | null = null;
  private bodyDone = false;

  constructor(readonly proxy: ListenerProxy) {}

  /** A piece of the request body (only while this exchange still serves `req`). */
  bodyData(req: http.IncomingMessage, chunk: Buffer): void {
    if (req !== this.req || this.bodyDone) return;
    this.bodyBytes += chunk.length;
    if (this.bodyBytes <= MAX_BODY) this.chunks.push(chunk);
  }

  bodyEnd(req: http.IncomingMessage): void {
    if (req !== this.req || this.bodyDone) return;
    this.bodyDone = true;
    if (this.bodyBytes > MAX_BODY) {
      this.tooLarge();
      return;
    }
    this.body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [];
    this.route();
  }

  /** The client went away before its body was complete: nothing was routed, nothing to answer. */
  bodyClose(req: http.IncomingMessage): void {
    if (req !== this.req || this.bodyDone) return;
    this.bodyDone = true;
    this.chunks = [];
    this.done();
  }

  begin(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ctx = this.proxy.ctx;
    ctx.stats.arrived++;
    ctx.stats.open++;
    this.req = req;
    this.res = res;
    this.t = ctx.clock.now();
    this.wallStart = performance.now();
    this.attempts = 0;
    this.flags = 0;
    this.headSent = false;
    this.body = null;
    this.bodyBytes = 0;
    this.seq = -1;
    this.cookieHeader = null;
    this.noBody = req.method === 'HEAD';
    const h = req.headers;
    const client = h[CLIENT_HEADER];
    if (typeof client !== 'string' || !this.parseClient(client))
      this.parseClient(req.socket.remoteAddress ?? '');
    const te = h['transfer-encoding'];
    const cl = h['content-length'];
    if (te !== undefined || (cl !== undefined && cl !== '0')) {
      this.bodyDone = false;
      (req as BodyRequest)[EXCHANGE] = this;
      req.on('data', onBodyData);
      req.on('end', onBodyEnd);
      req.on('close', onBodyClose);
      return;
    }
    this.route();
  }

  private route(): void {
    const ctx = this.proxy.ctx;
    const req = this.req!;
    const out = this.out;
    const listener = this.proxy.listener;
    const host = req.headers.host ?? '';
    const url = req.url ?? '/';
    this.template = ctx.templates.resolve(
      listener,
      req.headers[TEMPLATE_HEADER],
      host,
      url,
      req.method ?? 'GET',
    );
    this.id = ctx.nextId++;
    ctx.balancer.resolver.resolve(listener, host, url, out);
    if (out.outcome === OUTCOME_BAD_REQUEST) {
      this.badRequest();
      return;
    }
    if (out.outcome !== OUTCOME_OK) {
      this.refuse();
      return;
    }
    const cookie = this.proxy.forwarder.cookieInHeader(out, req.headers.cookie);
    ctx.balancer.picker.pick(out, this.clientIp, this.clientPort, cookie, this.t);
    if (out.outcome !== OUTCOME_OK) {
      this.noBackend();
      return;
    }
    this.seq = ctx.journal?.reserve() ?? -1;
    this.tried.clear();
    if (out.sticky) this.flags |= FLAG_STICKY;
    this.head = this.buildHead(req, ctx.balancer.table.scopes[out.scope].spec.groupId ?? 'default');
    this.send();
  }

  /** Listener stopped or gone: the connection is refused. */
  private refuse(): void {
    this.proxy.ctx.stats.refused++;
    this.record(this.out.outcome, -1, -1);
    this.req!.socket.destroy();
    this.done();
  }

  /** Tengine's 400 for a URI or Host it rejects before routing (issue 10). */
  private badRequest(): void {
    this.proxy.ctx.stats.badRequest++;
    this.record(OUTCOME_BAD_REQUEST, -1, -1);
    const res = this.res!;
    if (!res.destroyed) {
      res.writeHead(400, HEADERS_400);
      res.end(PAGE_400);
    }
    this.done();
  }

  /** Nothing eligible: 503 with no upstream. */
  private noBackend(): void {
    this.proxy.ctx.stats.noBackend++;
    this.record(OUTCOME_NO_BACKEND, this.out.scope, -1);
    const res = this.res!;
    if (!res.destroyed) {
      res.writeHead(503, HEADERS_503);
      res.end(PAGE_503);
    }
    this.done();
  }

  private send(): void {
    const out = this.out;
    this.attempts++;
    this.cookieHeader = this.proxy.forwarder.setCookie(out);
    this.proxy.ctx.directory.pool(out.backend).request(this, this.head, this.body, this.noBody);
  }

  onUpstreamHead(status: number, headers: string[]): void {
    const res = this.res!;
    this.headSent = true;
    if (res.destroyed) return;
    if (this.cookieHeader !== null) {
      headers.push('Set-Cookie', this.cookieHeader);
      this.flags |= FLAG_COOKIE_ISSUED;
    }
    res.writeHead(status, headers);
  }

  onUpstreamData(chunk: Buffer, last: boolean): void {
    const res = this.res!;
    if (!last) {
      if (!res.destroyed) res.write(chunk);
      return;
    }
    if (!res.destroyed) res.end(chunk);
    const ctx = this.proxy.ctx;
    const out = this.out;
    ctx.balancer.picker.release(out);
    ctx.stats.ok++;
    this.flags |= FLAG_AWAITS_COMPLETION;
    this.record(OUTCOME_OK, out.scope, out.backend);
    this.recordCompleted();
    this.done();
  }

  onUpstreamError(code: string, beforeResponse: boolean): void {
    const ctx = this.proxy.ctx;
    const out = this.out;
    ctx.stats.failedAttempts[out.backend] = (ctx.stats.failedAttempts[out.backend] ?? 0) + 1;
    const failedBackend = out.backend;
    if (this.proxy.forwarder.failed(out, failureOf(code, beforeResponse), this.tried)) {
      ctx.stats.retries++;
      // The failed attempt takes the request's place in the journal; the routed row follows it.
      this.recordAttemptFailed(failedBackend);
      this.flags |= FLAG_RETRIED;
      this.send();
      return;
    }
    ctx.stats.backendErrors++;
    const res = this.res!;
    if (!this.headSent && !res.destroyed) {
      const timeout = code === 'ETIMEDOUT';
      res.writeHead(timeout ? 504 : 502, timeout ? HEADERS_504 : HEADERS_502);
      res.end(timeout ? PAGE_504 : PAGE_502);
    } else if (!res.destroyed) {
      res.destroy();
    }
    // The last failed attempt is the request's answer, attributed to its backend (as the simulation does).
    this.record(OUTCOME_BACKEND_ERROR, out.scope, out.backend);
    this.done();
  }

  private tooLarge(): void {
    const ctx = this.proxy.ctx;
    ctx.stats.tooLarge++;
    this.chunks = [];
    const res = this.res!;
    if (!res.destroyed) {
      res.writeHead(413, HEADERS_413);
      res.end(PAGE_413);
    }
    this.done();
  }

  // ---- the journal: every row of this request is written here -------------------------------

  /** Write the routed row (into its reserved place when the request was forwarded). */
  private record(outcome: number, scope: number, backend: number): void {
    const journal = this.proxy.ctx.journal;
    if (journal === null) return;
    const seq = this.seq >= 0 ? this.seq : journal.reserve();
    const out = this.out;
    const row = journal.row;
    row.t = this.t;
    row.id = this.id;
    row.listener = this.proxy.listener;
    row.template = this.template;
    row.clientIp = this.clientIp;
    row.clientPort = this.clientPort;
    row.node = scope >= 0 ? out.node : 0;
    row.worker = scope >= 0 ? out.worker : 0;
    row.scope = scope;
    row.backend = backend;
    row.outcome = outcome;
    row.attempts = this.attempts;
    row.flags = this.flags;
    journal.routed(seq, row);
  }

  /** A failed attempt on `backend`: it takes the reserved place, the routed row moves after it. */
  private recordAttemptFailed(backend: number): void {
    const ctx = this.proxy.ctx;
    const out = this.out;
    if (ctx.journal === null || this.seq < 0) return;
    const row = ctx.journal.row;
    row.t = ctx.clock.now();
    row.id = this.id;
    row.scope = out.scope;
    row.backend = backend;
    row.node = out.node;
    row.worker = out.worker;
    this.seq = ctx.journal.attemptFailed(this.seq, row);
  }

  private recordCompleted(): void {
    const ctx = this.proxy.ctx;
    if (ctx.journal === null) return;
    const out = this.out;
    const latencyUs = Math.round((performance.now() - this.wallStart) * 1000 * ctx.clock.scale);
    const row = ctx.journal.row;
    row.t = ctx.clock.now();
    row.id = this.id;
    row.scope = out.scope;
    row.backend = out.backend;
    row.latency = latencyUs;
    ctx.journal.completed(row);
  }

  private done(): void {
    this.proxy.ctx.stats.open--;
    this.req = null;
    this.res = null;
    this.body = null;
    this.head = '';
    this.proxy.recycle(this);
  }

  /** The upstream request head: the client's headers minus hop-by-hop ones, plus the proxy's own. */
  private buildHead(req: http.IncomingMessage, group: string): string {
    let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      if (isHopByHop(name)) continue;
      head += `${name}: ${raw[i + 1]}\r\n`;
    }
    head += `X-Slbsim-Group: ${group}\r\nX-Forwarded-For: ${ipString(this.clientIp)}\r\n`;
    if (this.body !== null) head += `Content-Length: ${this.body.length}\r\n`;
    return `${head}\r\n`;
  }

  /** `a.b.c.d[:port]` → clientIp/clientPort without allocating; false when malformed. */
  private parseClient(s: string): boolean {
    let ip = 0;
    let part = 0;
    let digits = 0;
    let dots = 0;
    let i = 0;
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        part = part * 10 + (c - 48);
        if (part > 255 || ++digits > 3) return false;
      } else if (c === 46) {
        if (digits === 0) return false;
        ip = ip * 256 + part;
        part = 0;
        digits = 0;
        dots++;
      } else if (c === 58) break;
      else return false;
    }
    if (dots !== 3 || digits === 0) return false;
    ip = ip * 256 + part;
    let port = 0;
    if (i < n) {
      for (i++; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) return false;
        port = port * 10 + (c - 48);
        if (port > 65535) return false;
      }
    } else port = this.req?.socket.remotePort ?? 0;
    this.clientIp = ip >>> 0;
    this.clientPort = port;
    return true;
  }
}

const EXCHANGE = Symbol('slbsim.exchange');
type BodyRequest = http.IncomingMessage & { [EXCHANGE]?: Exchange };

function onBodyData(this: BodyRequest, chunk: Buffer): void {
  this[EXCHANGE]?.bodyData(this, chunk);
}
function onBodyEnd(this: BodyRequest): void {
  this[EXCHANGE]?.bodyEnd(this);
}
function onBodyClose(this: BodyRequest): void {
  this[EXCHANGE]?.bodyClose(this);
}

function ipString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Headers the proxy never forwards (hop-by-hop, its own, and framing it re-creates). */
function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return eqIgnoreCase(name, 'te');
    case 7:
      return eqIgnoreCase(name, 'trailer') || eqIgnoreCase(name, 'upgrade');
    case 10:
      return eqIgnoreCase(name, 'connection') || eqIgnoreCase(name, 'keep-alive');
    case 14:
      return eqIgnoreCase(name, 'content-length') || eqIgnoreCase(name, GROUP_HEADER);
    case 15:
      return eqIgnoreCase(name, 'x-forwarded-for');
    case 16:
      return eqIgnoreCase(name, 'proxy-connection');
    case 17:
      return eqIgnoreCase(name, 'transfer-encoding') || eqIgnoreCase(name, TEMPLATE_HEADER);
    default:
      return false;
  }
}

/**
 * What a failed attempt was, from the upstream's error code: a connect error or connect timeout
 * before any response, a read timeout (`ETIMEDOUT`), or a broken response / closed pool.
 */
function failureOf(code: string, beforeResponse: boolean): AttemptFailure {
  if (!beforeResponse || code === 'ECONNABORTED') return FAILURE_BROKEN;
  if (code === 'ETIMEDOUT') return FAILURE_READ_TIMEOUT;
  return code === 'ECONNECTTIMEOUT' ? FAILURE_CONNECT_TIMEOUT : FAILURE_CONNECT;
}
