/**
 * One HTTP/1.1 GET written byte for byte on a raw socket (latin1), so request targets and Host
 * values that HTTP clients refuse to send (`/..`, `%zz`, `a..b`) can be sent to nginx and to the
 * live proxy alike. `Connection: close`; the response is read to the end.
 */
import net from 'node:net';

export interface RawAnswer {
  readonly status: number;
  /** Header names lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, bytes as latin1 characters. */
  readonly body: string;
}

/** `GET <target> HTTP/1.1` with `Host: <host>` (no Host header when null). */
export function rawGet(port: number, target: string, host: string | null): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => {
      const h = host === null ? '' : `Host: ${host}\r\n`;
      s.write(Buffer.from(`GET ${target} HTTP/1.1\r\n${h}Connection: close\r\n\r\n`, 'latin1'));
    });
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', reject);
    s.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split < 0 ? text.length : split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(head[0]?.split(' ')[1]),
        headers,
        body: split < 0 ? '' : text.slice(split + 4),
      });
    });
  });
}
