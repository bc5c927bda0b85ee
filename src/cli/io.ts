import type { Sleep } from '../actuate/types.js';
import type { Clock } from '../clock.js';
import type { Timers } from '../daemon/triggers.js';

/** What a command may touch: its output streams, the clock and its waits. Tests pass their own. */
export type CliIo = {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when what was written to `out` has been taken (a pipe's reader is slower than a long timeline); default: at once. */
  readonly drain?: () => Promise<void>;
  readonly clock: Clock;
  /** Every wait of a command that acts (default: real timers); tests pass the simulator clock's sleep. */
  readonly sleep?: Sleep;
  /**
   * This process's own time, for what concerns the process and the API server answering it:
   * leader election, the client's rate limit and back-off (default: `clock` and `sleep`).
   * A test that runs the daemon on an accelerated simulator clock passes real time here, as
   * `run --sim --speed` does: a 10 s renew deadline must not become 0.2 s at 50x.
   */
  readonly processClock?: Clock;
  readonly processSleep?: Sleep;
  /** stdout is a terminal: scale and drain may ask before acting (default false). */
  readonly isTTY?: boolean;
  /**
   * Asks a person and resolves with the line they typed ('' at the end of input or on
   * Ctrl-C); absent when nobody can answer (stdin is not a terminal). Tests pass their own.
   */
  readonly ask?: (question: string) => Promise<string>;
  /** The daemon's boundary timer and resync (default: node-cron and real intervals); tests pass the simulator clock's. */
  readonly timers?: Timers;
  /** Aborted on Ctrl-C or SIGTERM: commands that act stop taking new steps and say what they left. */
  readonly signal?: AbortSignal;
};

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
