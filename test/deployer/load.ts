// The load the deployer's tests, its demo and its benchmark send through haproxy: a
// constant rate, bounded in time and count, stopping by itself.
//
// An open loop: a request is sent every 1/rate s whatever became of the ones before it,
// some on kept-alive connections (as many as are busy), every newConnectionEvery-th on a
// new one (`Connection: close`). A closed loop (clients that each wait for their last
// answer) hides a stall: while haproxy holds requests its clients sit in their timeouts,
// few failures are counted where many requests would have gone unanswered, and the load
// thins out exactly when it matters. Here a stall shows as late or failed requests.
//
// A request that fails on a reused keep-alive connection before any answer began (reset,
// closed) is sent once more, on a new connection, as browsers and HTTP clients do (RFC 9112
// §9.3.1; Node's docs on request.reusedSocket): haproxy may close an idle connection (its
// keep-alive timeout, an old worker after a reload) at the moment the client reuses it, and
// no server can prevent that race. The retry is counted (`retried`) and its time is the
// whole request's; a second failure is a failure.

import { Agent, request } from 'node:http';

export type Sample = {
  readonly sentAt: number;
  readonly doneAt: number;
  /** HTTP status; 0 when the request failed without one. */
  readonly status: number;
  readonly version?: string;
  readonly error?: string;
  readonly keepAlive: boolean;
  /** Sent again after its reused connection was closed under it before any answer. */
  readonly retried?: true;
};

export type LoadReport = {
  /** Requests sent, each answered or failed by now. */
  readonly total: number;
  /** Not 2xx, or no answer at all (refused, reset, timed out). */
  readonly failed: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byVersion: Readonly<Record<string, number>>;
  /** The first 20 failures, for the assertion's message. */
  readonly failures: readonly Sample[];
  /** In the order the requests ended. */
  readonly samples: readonly Sample[];
  readonly durationMs: number;
  /** Requests a second over the duration. */
  readonly ratePerS: number;
  /** Requests sent again after their reused keep-alive connection was closed before any answer. */
  readonly retried: number;
  /** Send to answer, over all requests (nearest rank). */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
};

export type LoadOptions = {
  /** haproxy's address, http://127.0.0.1:<port>. */
  readonly url: string;
  /** The Host header: which frontend. */
  readonly host: string;
  /** Requests sent a second (default 250). */
  readonly ratePerS?: number;
  /** Every n-th request goes on a new connection (default 4); the others on kept-alive ones. */
  readonly newConnectionEvery?: number;
  /** The load stops sending by itself after this long (default 30 s) … */
  readonly maxDurationMs?: number;
  /** … or this many requests (default 200,000). */
  readonly maxRequests?: number;
  /**
   * One request's timeout (default 10 s): past it, the request counts as failed. A request
   * a reload drops is refused or reset at once; the timeout only catches one left hanging,
   * and 2 s was less than haproxy and the test app took to answer on a loaded machine.
   */
  readonly timeoutMs?: number;
};

export type Load = {
  /** Requests ended so far (answered or failed). */
  count(): number;
  /** Samples so far, in the order the requests ended. */
  samples(): readonly Sample[];
  /** Stops sending and resolves with the report once the requests in flight have ended (each within its timeout). */
  stop(): Promise<LoadReport>;
};

/** How often the sender catches up with the rate; short enough that requests go out evenly. */
const PACE_MS = 2;

export function startLoad(options: LoadOptions): Load {
  const url = new URL('/', options.url);
  const rate = options.ratePerS ?? 250;
  const newConnectionEvery = options.newConnectionEvery ?? 4;
  const maxDurationMs = options.maxDurationMs ?? 30_000;
  const maxRequests = options.maxRequests ?? 200_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // lifo: the busiest few connections carry the load, as a browser's or a proxy's pool would.
  const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  const samples: Sample[] = [];
  let sent = 0;
  let inFlight = 0;
  let settled: (() => void) | undefined;

  const send = (fresh: boolean) => {
    const sentAt = Date.now();
    let ended = false;
    const end = (status: number, version: string | undefined, error?: string, retried?: true) => {
      if (ended) return;
      ended = true;
      samples.push({ sentAt, doneAt: Date.now(), status, keepAlive: !fresh, ...(version !== undefined ? { version } : {}), ...(error !== undefined ? { error } : {}), ...(retried ? { retried } : {}) });
      if (--inFlight === 0) settled?.();
    };
    inFlight++;
    const attempt = (newConnection: boolean, retried?: true) => {
      let answered = false;
      const req = request(url, { agent: newConnection ? false : agent, headers: { host: options.host, ...(newConnection ? { connection: 'close' } : {}) }, timeout: timeoutMs }, (res) => {
        answered = true;
        const version = res.headers['x-version'];
        res.on('end', () => end(res.statusCode ?? 0, typeof version === 'string' ? version : undefined, undefined, retried))
          .on('error', (error) => end(0, undefined, error.message, retried))
          .resume();
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        const closedUnderIt = req.reusedSocket && !answered && !retried && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (closedUnderIt) attempt(true, true);
        else end(0, undefined, `${error.code ?? ''} ${error.message}`.trim(), retried);
      });
      req.end();
    };
    attempt(fresh);
  };

  const started = Date.now();
  let stoppedAt: number | undefined;
  const stopSending = () => {
    if (stoppedAt !== undefined) return;
    clearInterval(pace);
    stoppedAt = Math.min(Date.now(), started + maxDurationMs);
  };
  const pace = setInterval(() => {
    const elapsed = Date.now() - started;
    const due = Math.min(maxRequests, Math.floor((Math.min(elapsed, maxDurationMs) * rate) / 1000));
    for (; sent < due; sent++) send(sent % newConnectionEvery === newConnectionEvery - 1);
    if (elapsed >= maxDurationMs || sent >= maxRequests) stopSending();
  }, PACE_MS);

  return {
    count: () => samples.length,
    samples: () => samples,
    async stop() {
      stopSending();
      if (inFlight > 0) await new Promise<void>((resolve) => { settled = resolve; });
      agent.destroy();
      return report(samples, (stoppedAt ?? Date.now()) - started);
    },
  };
}

/** Nearest rank over sorted values: with 100 values p99 is the 99th smallest. */
const rank = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export function report(samples: readonly Sample[], durationMs: number): LoadReport {
  const byStatus: Record<string, number> = {};
  const byVersion: Record<string, number> = {};
  const failures: Sample[] = [];
  for (const s of samples) {
    byStatus[String(s.status)] = (byStatus[String(s.status)] ?? 0) + 1;
    if (s.version !== undefined) byVersion[s.version] = (byVersion[s.version] ?? 0) + 1;
    if (s.status < 200 || s.status > 299) failures.push(s);
  }
  const latencies = samples.map((s) => s.doneAt - s.sentAt).sort((a, b) => a - b);
  return {
    total: samples.length, failed: failures.length, byStatus, byVersion, failures: failures.slice(0, 20), samples, durationMs,
    ratePerS: durationMs > 0 ? Math.round((samples.length * 1000) / durationMs) : 0,
    retried: samples.filter((s) => s.retried).length,
    latencyMs: { p50: rank(latencies, 50), p99: rank(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
  };
}

/** One line for a test's or the demo's log: how much, how fast, how many failed, how late. */
export const describeLoad = (r: LoadReport): string =>
  `${r.total} requests in ${(r.durationMs / 1000).toFixed(1)} s (${r.ratePerS}/s), ${r.failed} failed${r.retried > 0 ? ` (${r.retried} sent again after haproxy closed an idle connection under them)` : ''}, latency p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`;
