// A container's readiness probe against its real process. Probes run in real time: the
// process answers in real time whatever the simulator's clock does. Kubernetes' seconds
// are clamped so tests stay quick: a period of 10 s runs every `maxPeriodMs` (250 ms by
// default), a timeout of 1 s stays 1 s at most, an initial delay is at most one period.
// successThreshold and failureThreshold count as in Kubernetes.
//
// Without a readiness probe, the container is Ready once its first containerPort accepts
// a TCP connection (or at once when it has no port), and stays Ready while it runs, as a
// probe-less container does in Kubernetes. Exec probes are not run: they count as absent.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Loose } from '../cluster/objects.js';

export type ProbeTimings = {
  /** A probe's period in real ms is its periodSeconds clamped to [minPeriodMs, maxPeriodMs]. */
  readonly minPeriodMs: number;
  readonly maxPeriodMs: number;
  /** A probe's timeout in real ms is its timeoutSeconds clamped to [minPeriodMs, maxTimeoutMs]. */
  readonly maxTimeoutMs: number;
};

export const DEFAULT_PROBE_TIMINGS: ProbeTimings = { minPeriodMs: 100, maxPeriodMs: 250, maxTimeoutMs: 1000 };

export type ProbeTarget =
  | { readonly kind: 'http'; readonly scheme: 'http' | 'https'; readonly host: string; readonly port: number; readonly path: string; readonly headers: Record<string, string> }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export type Probe = {
  /** undefined: Ready as soon as the process runs. */
  readonly target: ProbeTarget | undefined;
  /** An implicit probe (no readinessProbe): once it passes, the container stays Ready. */
  readonly once: boolean;
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
};

export type ProbeResult = { readonly ok: boolean; readonly message: string };

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** A port given by number or by the name of one of the container's ports. */
function resolvePort(container: Loose, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  return ((container.ports ?? []) as Loose[]).find((p) => p.name === port)?.containerPort as number | undefined;
}

/** The readiness probe of `container` in a pod at `podIP`, with real-time timings. */
export function readinessProbe(container: Loose, podIP: string, timings: ProbeTimings): Probe {
  const spec = container.readinessProbe as Loose | undefined;
  const seconds = (value: unknown, fallback: number) => (typeof value === 'number' && value >= 0 ? value : fallback) * 1000;
  const periodMs = clamp(seconds(spec?.periodSeconds, 10), timings.minPeriodMs, timings.maxPeriodMs);
  const base = {
    periodMs,
    timeoutMs: clamp(seconds(spec?.timeoutSeconds, 1), timings.minPeriodMs, timings.maxTimeoutMs),
    initialDelayMs: Math.min(seconds(spec?.initialDelaySeconds, 0), periodMs),
  };
  let target: ProbeTarget | undefined;
  if (spec?.httpGet) {
    const port = resolvePort(container, spec.httpGet.port);
    if (port !== undefined) {
      const headers = Object.fromEntries(((spec.httpGet.httpHeaders ?? []) as { name: string; value: string }[]).map((h) => [h.name, h.value]));
      const path = String(spec.httpGet.path ?? '/');
      target = { kind: 'http', scheme: spec.httpGet.scheme === 'HTTPS' ? 'https' : 'http', host: spec.httpGet.host ?? podIP, port, path: path.startsWith('/') ? path : `/${path}`, headers };
    }
  } else if (spec?.tcpSocket) {
    const port = resolvePort(container, spec.tcpSocket.port);
    if (port !== undefined) target = { kind: 'tcp', host: spec.tcpSocket.host ?? podIP, port };
  }
  if (target) {
    return { ...base, target, once: false, successThreshold: Math.max(1, spec?.successThreshold ?? 1), failureThreshold: Math.max(1, spec?.failureThreshold ?? 3) };
  }
  const port = ((container.ports ?? []) as Loose[])[0]?.containerPort as number | undefined;
  return {
    ...base,
    periodMs: timings.minPeriodMs,
    initialDelayMs: 0,
    target: port === undefined ? undefined : { kind: 'tcp', host: podIP, port },
    once: true,
    successThreshold: 1,
    failureThreshold: 1,
  };
}

/** One probe: HTTP GET answered 200–399 within the timeout, or a TCP connection accepted. Never rejects. */
export function runProbe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, message: `${describe(target)}: no answer within ${timeoutMs} ms` });
      cleanup();
    }, timeoutMs);
    let cleanup = () => {};
    if (target.kind === 'tcp') {
      const socket = connect({ host: target.host, port: target.port });
      cleanup = () => socket.destroy();
      socket.once('connect', () => {
        finish({ ok: true, message: `${describe(target)}: connected` });
        socket.destroy();
      });
      socket.once('error', (error) => finish({ ok: false, message: `${describe(target)}: ${error.message}` }));
      return;
    }
    const request = (target.scheme === 'https' ? httpsRequest : httpRequest)({
      host: target.host, port: target.port, path: target.path, method: 'GET', agent: false,
      headers: { 'User-Agent': 'kube-probe/1.32', Accept: '*/*', Connection: 'close', ...target.headers },
      ...(target.scheme === 'https' ? { rejectUnauthorized: false } : {}),
    }, (response) => {
      const code = response.statusCode ?? 0;
      response.resume();
      finish({ ok: code >= 200 && code < 400, message: `${describe(target)}: HTTP ${code}` });
      response.destroy();
    });
    cleanup = () => request.destroy();
    request.once('error', (error) => finish({ ok: false, message: `${describe(target)}: ${error.message}` }));
    request.end();
  });
}

function describe(target: ProbeTarget): string {
  return target.kind === 'tcp' ? `tcp ${target.host}:${target.port}` : `${target.scheme}://${target.host}:${target.port}${target.path}`;
}
