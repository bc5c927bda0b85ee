// Client-side rate limiting for the Kubernetes API, as client-go's flowcontrol does: a
// token bucket that refills at `qps` tokens a second up to `burst`. Every request takes
// one token before it is sent. Waiters are served strictly in arrival order (a request
// that arrives while others wait queues behind them even if a token is free), and waiting
// is one timer at a time for the head of the queue: nothing spins, nothing blocks.

import type { Clock } from '../clock.js';

/** Resolves after `ms` milliseconds of the clock's time. */
export type Sleep = (ms: number) => Promise<void>;

export type TokenBucketOptions = {
  /** Tokens added per second (> 0). */
  readonly qps: number;
  /** Bucket size: how many requests may go at once after a quiet spell (>= 1). */
  readonly burst: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
};

// Refills are computed in floating point; a bucket that is short of a whole token by less
// than this counts as full, so a wake-up never sleeps again for a rounding error.
const EPSILON = 1e-9;

export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  #tokens: number;
  #last: number;
  readonly #queue: (() => void)[] = [];
  #pumping = false;

  constructor(options: TokenBucketOptions) {
    if (!(Number.isFinite(options.qps) && options.qps > 0)) throw new RangeError(`qps must be a positive number, got ${options.qps}`);
    if (!(Number.isInteger(options.burst) && options.burst >= 1)) throw new RangeError(`burst must be a whole number of at least 1, got ${options.burst}`);
    this.#qps = options.qps;
    this.#burst = options.burst;
    this.#clock = options.clock;
    this.#sleep = options.sleep;
    this.#tokens = options.burst;
    this.#last = options.clock.now();
  }

  /** Requests waiting for a token. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    this.#refill();
    if (this.#queue.length === 0 && this.#tokens >= 1 - EPSILON) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#queue.push(resolve);
      void this.#pump();
    });
  }

  #refill(): void {
    const now = this.#clock.now();
    if (now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#qps) / 1000);
      this.#last = now;
    }
  }

  /** One loop at a time serves the queue: grant what the bucket holds, then sleep until the next token. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        this.#refill();
        while (this.#queue.length > 0 && this.#tokens >= 1 - EPSILON) {
          this.#tokens -= 1;
          this.#queue.shift()!();
        }
        if (this.#queue.length === 0) return;
        await this.#sleep(Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#qps)));
      }
    } finally {
      this.#pumping = false;
    }
  }
}
