// What each request carries to say who scalerd is: a bearer token (given, from a token
// file, or from an exec plugin), a client certificate (given, or from an exec plugin), and
// the user to impersonate. A token file is re-read at most once a minute, as client-go's
// cached file token source does: bound service account tokens are rotated by the kubelet
// (about hourly) and the old one stops working when it expires. A 401 makes the next
// request read the file or run the plugin again instead of waiting for the minute or the
// expiry to pass.

import { readFile } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import { type ExecRunner, createExecCredentials } from './exec-credential.js';
import { KubeCredentialError } from './rest-errors.js';
import { type KubeTarget, tokenProblem } from './target.js';

export type ClientCertificate = { readonly cert: string | Buffer; readonly key: string | Buffer };

export type Credentials = {
  /** Authorization and Impersonate-User, as they apply. */
  readonly headers: Readonly<Record<string, string>>;
  readonly clientCertificate?: ClientCertificate;
};

export type Auth = {
  /** The credentials for the next request; rejects with a KubeCredentialError when they cannot be had. */
  credentials(): Promise<Credentials>;
  /** The API server answered 401: forget what may have gone stale. */
  refused(): void;
};

export const TOKEN_FILE_REREAD_MS = 60_000;

export function createAuth(target: KubeTarget, options: { clock: Clock; runExec?: ExecRunner }): Auth {
  const { user, cluster } = target;
  const impersonate: Record<string, string> = user.impersonate ? { 'Impersonate-User': user.impersonate } : {};
  const exec = user.exec ? createExecCredentials(user.exec, cluster, user.name, { clock: options.clock, ...(options.runExec ? { run: options.runExec } : {}) }) : undefined;
  const tokenFile = user.tokenFile ? cachedTokenFile(user.tokenFile, options.clock) : undefined;

  return {
    async credentials() {
      if (exec) {
        const credential = await exec.get();
        const clientCertificate = credential.clientCertificate ?? user.clientCertificate;
        return {
          headers: { ...impersonate, ...(credential.token ? { Authorization: `Bearer ${credential.token}` } : {}) },
          ...(clientCertificate ? { clientCertificate } : {}),
        };
      }
      const token = user.token ?? (await tokenFile?.get());
      return {
        headers: { ...impersonate, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        ...(user.clientCertificate ? { clientCertificate: user.clientCertificate } : {}),
      };
    },
    refused() {
      exec?.invalidate();
      tokenFile?.invalidate();
    },
  };
}

function cachedTokenFile(file: string, clock: Clock): { get(): Promise<string>; invalidate(): void } {
  let cached: { token: string; readAt: number } | undefined;
  return {
    async get() {
      const now = clock.now();
      if (cached && now - cached.readAt < TOKEN_FILE_REREAD_MS) return cached.token;
      let token: string;
      try {
        // Trimmed as client-go trims it: a file written by hand ends with a newline.
        token = (await readFile(file, 'utf8')).trim();
      } catch (error) {
        throw new KubeCredentialError(`the token file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
      }
      const problem = tokenProblem(token);
      if (problem) throw new KubeCredentialError(`the token file ${file} ${problem}`);
      cached = { token, readAt: now };
      return token;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
