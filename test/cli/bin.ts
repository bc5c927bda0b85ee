// The built CLI in a child process, as users run it: stdout and stderr as the terminal
// would get them. Spawned asynchronously, since the simulator or the API it talks to lives
// on this process's event loop, which a blocking spawnSync would freeze.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type BinResult = { readonly code: number | null; readonly out: string; readonly err: string };

/**
 * `node dist/cli/main.js <argv>` with `env` over this process's environment, or, with
 * `inheritEnv: false`, over PATH alone (no AWS_*, KUBECONFIG or HOME from the test's machine).
 */
export function bin(argv: readonly string[], env: Record<string, string> = {}, options: { inheritEnv?: boolean } = {}): Promise<BinResult> {
  const base = options.inheritEnv === false ? { PATH: process.env.PATH ?? '/usr/bin:/bin' } : process.env;
  const child = spawn(process.execPath, ['dist/cli/main.js', ...argv], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
