// The overview, live: a Server-Sent Events stream that sends the overview when a client
// connects and again whenever it changes. The daemon's state changes in many places (a
// node's phase, an observation, an override, the leader), so rather than hooks in each the
// feed looks at the document every `everyMs` (250 ms: well within the second the console
// promises) and sends it when its JSON differs. One look serves every client; with none
// connected, nothing is looked at.

import type { ServerResponse } from 'node:http';
import { formatEvent, HEARTBEAT } from '../http/sse.js';

export type LiveFeedOptions = {
  /** The document to send; called once per look, whatever the number of clients. */
  readonly read: () => unknown;
  readonly everyMs?: number;
  /** Between keep-alive comments while nothing changes (default 15 s). */
  readonly heartbeatMs?: number;
  /** The event's name (`overview`). */
  readonly event: string;
  /** Added to each event as it is sent, not compared: what changes all the time, such as the clock. */
  readonly stamp?: () => Record<string, unknown>;
};

export class LiveFeed {
  readonly #clients = new Set<ServerResponse>();
  readonly #o: Required<Omit<LiveFeedOptions, 'stamp'>> & Pick<LiveFeedOptions, 'stamp'>;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #last = '';
  #seq = 0;

  constructor(options: LiveFeedOptions) {
    this.#o = { everyMs: 250, heartbeatMs: 15_000, ...options };
  }

  /** Streams to `res` until the client goes or close() is called. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    this.#clients.add(res);
    res.on('close', () => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stop();
    });
    // The newcomer gets the document now, the others only when it changes.
    const document = this.#o.read();
    const text = JSON.stringify(document);
    res.write(formatEvent({ event: this.#o.event, id: String(this.#seq), data: this.#stamped(document) }));
    if (!this.#timer) {
      this.#last = text;
      this.#timer = setInterval(() => this.#look(), this.#o.everyMs);
      this.#heartbeat = setInterval(() => { for (const c of this.#clients) c.write(HEARTBEAT); }, this.#o.heartbeatMs);
      this.#timer.unref();
      this.#heartbeat.unref();
    }
  }

  get clients(): number {
    return this.#clients.size;
  }

  #stamped(document: unknown): string {
    return JSON.stringify(this.#o.stamp ? { ...(document as object), ...this.#o.stamp() } : document);
  }

  #look(): void {
    const document = this.#o.read();
    const text = JSON.stringify(document);
    if (text === this.#last) return;
    this.#last = text;
    this.#seq += 1;
    const frame = formatEvent({ event: this.#o.event, id: String(this.#seq), data: this.#stamped(document) });
    for (const client of this.#clients) client.write(frame);
  }

  #stop(): void {
    clearInterval(this.#timer);
    clearInterval(this.#heartbeat);
    this.#timer = undefined;
    this.#heartbeat = undefined;
  }

  /** Ends every stream (the daemon stops). */
  close(): void {
    for (const client of this.#clients) client.end();
    this.#clients.clear();
    this.#stop();
  }
}
