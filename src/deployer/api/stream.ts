// GET /deployments/{ns}/{app}/{id}/logs/stream: the deployment's log as Server-Sent Events.
// Every line is an `event: log` whose `id` is its 1-based position in the log, those already
// written first; then one `event: end` with the final record, and the response ends. A
// client that reconnects with Last-Event-ID gets only the lines after that one. Comment
// lines every `heartbeatMs` keep proxies from closing a quiet stream. A client that goes
// away stops the follow (deployer.follow's signal); the deployment goes on.

import type { Logger } from 'pino';
import type { Deployer } from '../service/types.js';
import { INTERNAL, summary } from './reply.js';
import type { Call } from './router.js';
import { formatEvent, HEARTBEAT } from '../../http/sse.js';

export type StreamOptions = {
  readonly deployer: Deployer;
  readonly log: Logger;
  readonly heartbeatMs: number;
  /** Aborted when the API closes: every stream ends. */
  readonly closing: AbortSignal;
};

/** The deployment exists (the caller checked). */
export async function streamLogs(call: Call, o: StreamOptions): Promise<'streamed'> {
  const { ns, app, id } = call.params;
  const after = lastEventId(call.req.headers['last-event-id']);
  const { res } = call;
  const stop = new AbortController();
  const onGone = (): void => stop.abort();
  res.on('close', onGone);
  if (o.closing.aborted) stop.abort();
  o.closing.addEventListener('abort', onGone, { once: true });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
  });
  res.write(`: log of deployment ${id}\n\n`);
  const heartbeat = o.heartbeatMs > 0 ? setInterval(() => res.write(HEARTBEAT), o.heartbeatMs) : undefined;
  heartbeat?.unref();
  let seq = 0;
  try {
    const final = await o.deployer.follow(ns, app, id, (line) => {
      seq += 1;
      if (seq > after && !stop.signal.aborted) res.write(formatEvent({ event: 'log', id: String(seq), data: JSON.stringify(line) }));
    }, stop.signal);
    if (!stop.signal.aborted) {
      res.write(final
        ? formatEvent({ event: 'end', data: JSON.stringify(summary(final)) })
        : formatEvent({ event: 'error', data: JSON.stringify({ error: { code: 'SCALERD_ERR_API_NOT_FOUND', message: `deployment ${id} of ${ns}/${app} is gone` } }) }));
    }
  } catch (error) {
    o.log.error({ event: 'api-stream-failed', deployment: id, err: error }, `log stream of ${ns}/${app} ${id} failed`);
    if (!stop.signal.aborted) res.write(formatEvent({ event: 'error', data: JSON.stringify({ error: { code: INTERNAL.code, message: INTERNAL.message } }) }));
  } finally {
    clearInterval(heartbeat);
    res.off('close', onGone);
    o.closing.removeEventListener('abort', onGone);
    res.end();
  }
  return 'streamed';
}

function lastEventId(header: string | string[] | undefined): number {
  const n = Number(typeof header === 'string' ? header : undefined);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
