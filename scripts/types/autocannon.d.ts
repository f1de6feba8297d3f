/** The part of autocannon's programmatic API that scripts/load/run.ts uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** One entry of `requests`: connections send them in order, then start again with a fresh context. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called just before the request is sent; a falsy result skips to the start of the sequence. */
      setupRequest?: (request: Request, context: Record<string, any>) => Request | null | undefined;
      onResponse?: (status: number, body: string, context: Record<string, any>, headers: Record<string, string | string[]>) => void;
      [extra: string]: unknown;
    }

    interface Options {
      url: string;
      title?: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      pipelining?: number;
      requests?: Request[];
      initialContext?: Record<string, unknown>;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }

    interface Result {
      title?: string;
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      mismatches: number;
      /** Milliseconds, 2xx responses only. */
      latency: Histogram;
      /** Per-second samples; `total` is the number of responses. */
      requests: Histogram;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
