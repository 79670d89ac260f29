/**
 * A real nginx that echoes what it would route on: `$host|$uri` for any request, on two ports
 * (`merge_slashes` on, the default, and off). For the differential tests of the URL and Host
 * normalisers; requests are written byte for byte on a raw socket (latin1), so targets nginx
 * rejects can be sent too (raw-http.ts).
 */
import net from 'node:net';
import { NginxProcess } from '../../src/live/nginx-process.js';
import { rawGet } from './raw-http.js';

export interface Echo {
  readonly status: number;
  /** `$host` (null unless 200). */
  readonly host: string | null;
  /** `$uri`, bytes as latin1 characters (null unless 200). */
  readonly uri: string | null;
}

export class NginxEcho {
  private constructor(
    readonly process: NginxProcess,
    readonly mergePort: number,
    readonly noMergePort: number,
  ) {}

  static async start(binary: string): Promise<NginxEcho> {
    const [a, b] = [await freePort(), await freePort()];
    const server = (port: number, merge: boolean) => `
  server {
    listen 127.0.0.1:${port} default_server;
    server_name "";
    merge_slashes ${merge ? 'on' : 'off'};
    location / { return 200 "$host|$uri"; }
  }`;
    const config = `worker_processes 1;
pid nginx.pid;
error_log stderr error;
events { worker_connections 64; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path t1; proxy_temp_path t2; fastcgi_temp_path t3; uwsgi_temp_path t4; scgi_temp_path t5;
${server(a, true)}
${server(b, false)}
}
`;
    const process = await NginxProcess.start(binary, config, [a, b]);
    return new NginxEcho(process, a, b);
  }

  /** `GET <target> HTTP/1.1` with `Host: <host>` (no Host header when null). */
  async get(target: string, host: string | null, merge = true): Promise<Echo> {
    const a = await rawGet(merge ? this.mergePort : this.noMergePort, target, host);
    if (a.status !== 200) return { status: a.status, host: null, uri: null };
    const bar = a.body.indexOf('|');
    return { status: a.status, host: a.body.slice(0, bar), uri: a.body.slice(bar + 1) };
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
