/**
 * Writes the requests a live run routed as a trace file (NDJSON, the scenario `trace:` format:
 * `{t, listener, host, path, method, clientIp, clientPort}`), in the order the proxies picked, with
 * their arrival times. Replaying it with the simulation gives "a simulation of the same request
 * sequence" for the cross-check. Times are kept non-decreasing (a request whose body arrived late
 * is stamped no earlier than the request before it). Buffered synchronous writes, bounded memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { JournalDictionary } from '../journal/dictionary.js';
import type { JournalBatch, JournalSink } from '../journal/journal-batch.js';
import { ROW_CONTROL, ROW_ROUTED } from '../journal/journal-rows.js';
import { numberToIp } from '../util/ip.js';

const FLUSH_AT = 256 * 1024;

export class TraceWriter implements JournalSink {
  private readonly dict = new JournalDictionary();
  private fd: number | null;
  private buffer = '';
  private lastT = 0;
  rows = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  onBatch(b: JournalBatch): void {
    for (let i = 0; i < b.n; i++) {
      const k = b.kind[i];
      if (k === ROW_CONTROL) {
        const entry = b.control[i];
        if (entry) this.dict.observe(entry);
        continue;
      }
      if (k !== ROW_ROUTED) continue;
      const l = this.dict.listeners[b.listener[i]];
      const tpl = this.dict.templates[b.template[i]];
      if (l === undefined || tpl === undefined) continue;
      const t = Math.max(this.lastT, b.t[i]);
      this.lastT = t;
      this.buffer += `{"t":"${t}us","listener":${JSON.stringify(l.key)},"host":${JSON.stringify(tpl.host)},"path":${JSON.stringify(tpl.path)},"method":${JSON.stringify(tpl.method)},"clientIp":"${numberToIp(b.clientIp[i])}","clientPort":${b.clientPort[i]}}\n`;
      this.rows++;
      if (this.buffer.length >= FLUSH_AT) this.flush();
    }
  }

  onEnd(): void {
    this.close();
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }

  private flush(): void {
    if (this.fd === null || this.buffer === '') return;
    writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
}
