// The deployer's own health check of a new version, pod by pod, before any traffic goes
// to it (blue/green invariant 1). Kubernetes readiness only gates Service endpoints; the
// deployer asks every pod directly and requires several passes in a row, so a pod that
// flaps or reports another version never receives traffic.
//
// A pass is HTTP 200 with either the seed's body {"healthy": true} or an
// application/health+json body whose status is pass, ok or up (draft-inadarei-api-health-
// check); the version in the body (version or releaseId) must equal the one deployed when
// the descriptor asks for it. A request that takes longer than its timeout is a failure.

export type HealthVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const PASSING = new Set(['pass', 'ok', 'up']);

/** What one answer says, by the rules above. */
export function judgeHealth(status: number, body: string, expectedVersion: string | undefined): HealthVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: `HTTP ${status} with a body that is not JSON: ${preview(body)}` };
  }
  const doc = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as { healthy?: unknown; status?: unknown; version?: unknown; releaseId?: unknown; message?: unknown; output?: unknown };
  const said = typeof doc.message === 'string' ? doc.message : typeof doc.output === 'string' ? doc.output : undefined;
  const healthy = doc.healthy === true || (typeof doc.status === 'string' && PASSING.has(doc.status.toLowerCase()));
  if (status !== 200 || !healthy) {
    const claim = doc.healthy !== undefined ? `healthy: ${JSON.stringify(doc.healthy)}` : doc.status !== undefined ? `status: ${JSON.stringify(doc.status)}` : 'neither healthy nor status';
    return { ok: false, reason: `HTTP ${status}, ${claim}${said ? ` (${preview(said)})` : ''}` };
  }
  if (expectedVersion !== undefined) {
    const version = doc.version ?? doc.releaseId;
    if (String(version ?? '') !== expectedVersion) return { ok: false, reason: `reports version ${version === undefined ? '(none)' : JSON.stringify(version)}, expected ${expectedVersion}` };
  }
  return { ok: true };
}

export type Probe = (url: string, timeoutMs: number, signal: AbortSignal) => Promise<HealthVerdict>;

/**
 * The most of a health answer's body the probe reads. A health body is a few hundred bytes;
 * a pod that sends more (a misrouted page, a hostile app) gets a failing verdict and the
 * rest is never read, so the deployer's memory does not grow with what a pod sends.
 */
export const MAX_HEALTH_BODY_BYTES = 64 * 1024;

/**
 * GET `url` with a time limit (for the whole answer, body included); any failure to answer
 * in time is a failing verdict, never an exception. Redirects are not followed: the check is
 * of the pod itself, and a 3xx is a failing verdict naming where it pointed.
 */
export const httpProbe = (expectedVersion: string | undefined): Probe => async (url, timeoutMs, signal) => {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, timeout]), redirect: 'manual', headers: { accept: 'application/health+json, application/json' } });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      return { ok: false, reason: `HTTP ${response.status}, a redirect${location ? ` to ${preview(location)}` : ''}: the health check follows none; check the path` };
    }
    const body = await readBounded(response, MAX_HEALTH_BODY_BYTES);
    if (body === undefined) return { ok: false, reason: `HTTP ${response.status} with a body over ${MAX_HEALTH_BODY_BYTES} bytes; reading stopped there` };
    return judgeHealth(response.status, body, expectedVersion);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: cause?.code ?? cause?.message ?? (error as Error).message };
  }
};

/** The body as text, or undefined once it is longer than `limit` bytes (the rest is not read). */
async function readBounded(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type HealthTarget = { readonly pod: string; readonly url: string };
export type HealthOptions = {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Passes in a row each pod needs. */
  readonly successes: number;
  readonly deadlineMs: number;
};

export type HealthResult = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly lastFailures: Readonly<Record<string, string>> };

type Waiter = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * Probes every target each interval until each has `successes` passes in a row (a failure
 * starts its count again), or the deadline passes: then fails, naming every pod still short
 * and its last failure.
 */
export async function checkHealth(targets: readonly HealthTarget[], options: HealthOptions, probe: Probe, wait: Waiter, now: () => number, signal: AbortSignal): Promise<HealthResult> {
  const streak = new Map(targets.map((t) => [t.pod, 0]));
  const last: Record<string, string> = {};
  const deadline = now() + options.deadlineMs;
  for (;;) {
    await Promise.all(targets.filter((t) => streak.get(t.pod)! < options.successes).map(async (t) => {
      const verdict = await probe(t.url, options.timeoutMs, signal);
      if (verdict.ok) streak.set(t.pod, streak.get(t.pod)! + 1);
      else {
        streak.set(t.pod, 0);
        last[t.pod] = verdict.reason;
      }
    }));
    const short = targets.filter((t) => streak.get(t.pod)! < options.successes);
    if (short.length === 0) return { ok: true };
    if (now() + options.intervalMs > deadline) {
      const named = short.map((t) => `${t.pod}: ${last[t.pod] ?? `${streak.get(t.pod)} of ${options.successes} passes`}`);
      return { ok: false, reason: `health check failed within ${options.deadlineMs} ms: ${named.join('; ')}`, lastFailures: last };
    }
    await wait(options.intervalMs, signal);
  }
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
