/**
 * Types for the subset of autocannon 9 the live harness uses (`@types/autocannon` lags the 9.x
 * API; load-testing-anchors.md §0, §2).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    setupRequest?: (
      req: AutocannonRequest,
      context: Record<string, unknown>,
    ) => AutocannonRequest | null | undefined;
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => void;
  }

  export interface AutocannonClient extends EventEmitter {
    on(event: 'request', listener: () => void): this;
    on(event: 'response', listener: (status: number, bytes: number, ms: number, rate?: number) => void): this;
    on(event: 'connError' | 'timeout' | 'reset' | 'done', listener: (...args: unknown[]) => void): this;
  }

  export interface Options {
    url: string | string[];
    connections?: number;
    duration?: number | string;
    amount?: number;
    overallRate?: number;
    connectionRate?: number;
    pipelining?: number;
    timeout?: number;
    sampleInt?: number;
    requests?: AutocannonRequest[];
    setupClient?: (client: AutocannonClient) => void;
    ignoreCoordinatedOmission?: boolean;
    skipAggregateResult?: boolean;
    excludeErrorStats?: boolean;
    bailout?: number;
    title?: string;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    sent: number;
    totalCount: number;
    p0_001: number;
    p2_5: number;
    p50: number;
    p75: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
    p99_99: number;
    [key: string]: number;
  }

  export interface Result {
    title?: string;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    '2xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
    start: Date;
    finish: Date;
    [key: string]: unknown;
  }

  /** A raw (not aggregated) result, as returned with `skipAggregateResult`. */
  export interface RawResult {
    latencies: string;
    requests: string;
    throughput: string;
    totalCompletedRequests: number;
    totalRequests: number;
    totalBytes: number;
    samples: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
    duration: number;
    [key: string]: unknown;
  }

  export interface Instance extends EventEmitter, PromiseLike<Result & RawResult> {
    stop(): void;
    on(
      event: 'response',
      listener: (client: AutocannonClient, status: number, bytes: number, ms: number) => void,
    ): this;
    on(event: 'reqError', listener: (err: Error) => void): this;
    on(event: 'done', listener: (result: Result) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  interface Autocannon {
    (opts: Options, cb?: (err: Error | null, result: Result & RawResult) => void): Instance;
    aggregateResult(results: RawResult[], opts: Partial<Options>): Result;
  }

  const autocannon: Autocannon;
  export default autocannon;
}
