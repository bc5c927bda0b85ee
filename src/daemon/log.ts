// The daemon's log: pino JSON, one object per line, with stable field names (`event`
// names what happened; `group`, `node`, `workload`, `window`, `override`, `reason` and
// the like say about what), readable by any log pipeline. On a terminal the same lines
// are pretty-printed (pino-pretty, synchronously: no worker thread). Secrets never reach
// a line: the fields that could carry one are redacted by path.
//
// Messages and fields quote what people and the cluster wrote (a window's name, an
// override's reason, an API's answer). The JSON lines keep that text exact (JSON escapes
// its control characters); the pretty lines show it through terminalSafe, since
// pino-pretty prints a message as it is (it drops C0 and C1 controls, but keeps newlines
// and bidi overrides).

import { pino, type DestinationStream, type Logger } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
import { terminalSafe, terminalStack } from '../text/terminal.js';

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
  if (human) return pino(base, prettyOn(destination));
  return pino({ ...base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** pino's JSON lines, each pretty-printed with its every string made safe to print first. */
function prettyOn(destination: NodeJS.WritableStream): DestinationStream {
  // Colours only when the lines go to a terminal: pino-pretty alone judges by stdout (and
  // by CI=…), whatever the destination, and a file or a pipe would get escape sequences.
  const colorize = isColorSupported && (destination as { isTTY?: boolean }).isTTY === true;
  const prettify = prettyFactory({ colorize, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'app,pid,hostname' });
  return { write: (line: string) => void destination.write(prettify(safeRecord(JSON.parse(line)))) };
}

/** Strings and keys through terminalSafe; an error's stack keeps its lines (pino-pretty indents them). */
function safeRecord(value: unknown): unknown {
  if (typeof value === 'string') return terminalSafe(value);
  if (Array.isArray(value)) return value.map(safeRecord);
  if (value === null || typeof value !== 'object') return value;
  const { stack, message } = value as { stack?: unknown; message?: unknown };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [
    terminalSafe(k),
    k === 'stack' && typeof stack === 'string' ? terminalStack(stack, typeof message === 'string' ? message : '') : safeRecord(v),
  ]));
}
