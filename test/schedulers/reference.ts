/**
 * Straight, slow re-implementations of the reference algorithms, written as close to the C sources
 * as TypeScript allows (one object per peer, full scans, no tables). The table-driven schedulers
 * are checked against these on random inputs.
 */

/** nginx `ngx_http_upstream_get_peer` (smooth WRR), with an optional rotated scan start (Tengine). */
export class NginxSwrr {
  private readonly current: number[];
  constructor(
    private readonly weights: readonly number[],
    private readonly start = 0,
  ) {
    this.current = weights.map(() => 0);
  }
  pick(): number {
    const n = this.weights.length;
    let best = -1;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const i = (this.start + k) % n;
      if (this.weights[i] === 0) continue; // a weight-0 member is absent
      this.current[i] += this.weights[i];
      total += this.weights[i];
      if (best < 0 || this.current[i] > this.current[best]) best = i;
    }
    if (best < 0) return -1;
    this.current[best] -= total;
    return best;
  }
}

/** nginx `ngx_http_upstream_get_least_conn_peer` over peers that are all eligible unless weight 0. */
export class NginxLeastConn {
  readonly conns: number[];
  readonly current: number[];
  constructor(private readonly weights: readonly number[]) {
    this.conns = weights.map(() => 0);
    this.current = weights.map(() => 0);
  }
  pick(): number {
    const peers = this.weights.map((weight, i) => ({ i, weight, conns: this.conns[i] }));
    let best: (typeof peers)[number] | null = null;
    let many = 0;
    let p = 0;
    for (const peer of peers) {
      if (peer.weight === 0) continue;
      if (best === null || peer.conns * best.weight < best.conns * peer.weight) {
        best = peer;
        many = 0;
        p = peer.i;
      } else if (peer.conns * best.weight === best.conns * peer.weight) {
        many = 1;
      }
    }
    if (best === null) return -1;
    if (many) {
      let total = 0;
      let chosen: number | null = null;
      for (let i = p; i < peers.length; i++) {
        const peer = peers[i];
        if (peer.weight === 0) continue;
        if (peer.conns * best.weight !== best.conns * peer.weight) continue;
        this.current[i] += peer.weight;
        total += peer.weight;
        if (chosen === null || this.current[i] > this.current[chosen]) chosen = i;
      }
      this.current[chosen!] -= total;
      p = chosen!;
    }
    this.conns[p]++;
    return p;
  }
  release(i: number): void {
    this.conns[i]--;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Linux `ip_vs_wrr_schedule` / `ip_vs_wrr_init_svc` / `ip_vs_wrr_dest_changed` over a list of
 * destinations with weight ≥ 1 (cl = -1 is the list head).
 */
export class IpvsWrr {
  private weights: number[] = [];
  cl = -1;
  cw = 0;
  mw = 0;
  di = 1;
  init(weights: number[]): void {
    this.set(weights);
    this.cw = this.mw;
  }
  changed(weights: number[]): void {
    this.set(weights);
    if (this.cw > this.mw) this.cw = this.mw;
    else if (this.di > 1) this.cw = Math.floor(this.cw / this.di) * this.di + 1;
  }
  schedule(): number {
    if (this.mw === 0) return -1;
    let dest = this.cl;
    for (;;) {
      for (dest = dest + 1; dest < this.weights.length; dest++) {
        if (this.weights[dest] >= this.cw) {
          this.cl = dest;
          return dest;
        }
      }
      dest = -1;
      this.cw -= this.di;
      if (this.cw <= 0) this.cw = this.mw;
    }
  }
  private set(weights: number[]): void {
    this.weights = weights;
    this.cl = -1;
    let g = 0;
    for (const w of weights) if (w > 0) g = g > 0 ? gcd(w, g) : w;
    this.di = g || 1;
    this.mw = Math.max(0, ...weights) - (this.di - 1);
  }
}

/**
 * Linux `ip_vs_wlc_schedule` over destinations that are usable unless weight 0: overhead
 * `activeconns·256 + inactconns` (`ip_vs_dest_conn_overhead`), the first usable destination, then
 * a later one when `loh·weight(dest) > doh·weight(least)` (64-bit products in the kernel, BigInt here).
 */
export class IpvsWlc {
  readonly active: number[];
  readonly inactive: number[];
  constructor(private readonly weights: readonly number[]) {
    this.active = weights.map(() => 0);
    this.inactive = weights.map(() => 0);
  }
  schedule(): number {
    const overhead = (i: number) => BigInt(this.active[i]) * 256n + BigInt(this.inactive[i]);
    let least = -1;
    for (let i = 0; i < this.weights.length; i++) {
      if (this.weights[i] === 0) continue;
      if (least < 0 || overhead(least) * BigInt(this.weights[i]) > overhead(i) * BigInt(this.weights[least]))
        least = i;
    }
    if (least >= 0) this.active[least]++;
    return least;
  }
  /** A connection closes: its entry turns inactive (FIN_WAIT/TIME_WAIT). */
  release(i: number): void {
    if (this.active[i] > 0) {
      this.active[i]--;
      this.inactive[i]++;
    }
  }
  /** The inactive entry expires. */
  expire(i: number): void {
    if (this.inactive[i] > 0) this.inactive[i]--;
  }
}
