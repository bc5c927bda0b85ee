import type { Clock } from '../clock.js';

/** What a command may touch: its output streams and the clock. Tests pass their own. */
export type CliIo = {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly clock: Clock;
};

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
