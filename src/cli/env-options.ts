// What the long-running commands share in their flags: each can also come from an
// environment variable (`<prefix><NAME>`, for a container), and the two log flags.

import { type Command, Option } from 'commander';
import { createLogger, type Logger } from '../daemon/log.js';

/** `env(flag, 'NAME')`: the flag, also read from `<prefix>NAME` when not given. */
export const envOption = (prefix: string) => (flag: Option, name: string): Option => flag.env(`${prefix}${name}`);

export type LogFlags = { logLevel: string; logFormat?: 'json' | 'pretty' };

/** --log-level and --log-format, also from `<prefix>LOG_LEVEL` and `<prefix>LOG_FORMAT`. */
export function addLogOptions(command: Command, prefix: string): Command {
  const env = envOption(prefix);
  return command
    .addOption(env(new Option('--log-level <level>', 'debug, info, warn or error').default('info'), 'LOG_LEVEL'))
    .addOption(env(new Option('--log-format <format>', 'json or pretty (default: pretty on a terminal)').choices(['json', 'pretty']), 'LOG_FORMAT'));
}

export function loggerFrom(flags: LogFlags): Logger {
  return createLogger({ level: flags.logLevel, ...(flags.logFormat ? { pretty: flags.logFormat === 'pretty' } : {}) });
}
