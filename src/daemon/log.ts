// The daemon's log: pino JSON, one object per line, with stable field names (`event`
// names what happened; `group`, `node`, `workload`, `window`, `override`, `reason` and
// the like say about what), readable by any log pipeline. On a terminal the same lines
// are pretty-printed (pino-pretty, synchronously: no worker thread). Secrets never reach
// a line: the fields that could carry one are redacted by path.

import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export type LogOptions = {
  readonly level?: string;
  /** Human-readable lines (default: when stdout is a terminal). */
  readonly pretty?: boolean;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  readonly destination?: NodeJS.WritableStream;
};

const REDACT = [
  'credentials', '*.credentials', 'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken',
  'token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization',
];

export function createLogger(options: LogOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const human = options.pretty ?? (destination === process.stdout && process.stdout.isTTY === true);
  const base = { level: options.level ?? 'info', base: { app: 'scalerd' }, redact: { paths: REDACT, censor: '[redacted]' } };
  if (human) return pino(base, pretty({ destination, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'app,pid,hostname' }));
  return pino({ ...base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
