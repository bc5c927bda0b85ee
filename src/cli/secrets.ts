// Secrets the commands take: from a file (a mounted Secret) or, failing that, an
// environment variable. Trimmed; an empty file is an error, not an empty secret.

import { readFile } from 'node:fs/promises';
import { type Code, UsageError } from '../errors.js';

export type SecretSource = {
  /** The file's flag as the user typed it, e.g. `--token-file`. */
  readonly flag: string;
  readonly file: string | undefined;
  /** The environment variable read when no file is given. */
  readonly variable: string;
  /** The error's code (default SCALERD_ERR_CLI_USAGE). */
  readonly code?: Code;
};

/** The secret, or undefined when neither the file nor the variable gives one. */
export async function readSecret(source: SecretSource): Promise<string | undefined> {
  const code = source.code ?? 'SCALERD_ERR_CLI_USAGE';
  if (source.file === undefined || source.file === '') return process.env[source.variable]?.trim() || undefined;
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (error) {
    throw new UsageError(code, `${source.flag} ${source.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (text.trim() === '') throw new UsageError(code, `${source.flag} ${source.file} is empty`);
  return text.trim();
}
