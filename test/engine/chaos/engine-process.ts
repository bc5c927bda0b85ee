// The engine as an operator runs it: `node dist/cli/main.js scale …` in a child process,
// so a SIGKILL kills the product itself, mid-request, with no chance to clean up.
// Spawned asynchronously: the simulator serving it lives on this process's event loop,
// which a blocking spawnSync would freeze.
//
// Loading the CLI's modules takes over a second of CPU, and 30+ kills would spend most of
// the test there, in a stretch where the engine does nothing worth killing. So the next
// process is spawned while the current one runs and parked (park.mjs) just before
// main.js starts; go() lets it run.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PARK = fileURLToPath(new URL('park.mjs', import.meta.url));

export type EngineExit = { code: number | null; signal: NodeJS.Signals | null; out: string; err: string };

export type EngineProcess = {
  /** Resolves once the modules are loaded and main.js is about to start. */
  readonly parked: Promise<void>;
  /** Starts main.js (once its modules are loaded, if they are not yet). */
  go(): void;
  readonly exited: Promise<EngineExit>;
  /** SIGKILL; false if the process had already ended. */
  kill(): boolean;
};

/** `node dist/cli/main.js <args>`, loaded and parked until go(). */
export function parkEngine(args: readonly string[], env: Record<string, string>): EngineProcess {
  const child = spawn(process.execPath, ['--no-warnings', '--import', PARK, 'dist/cli/main.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  // A process killed while parked closes its stdin under a pending write.
  child.stdin.on('error', () => undefined);
  const signal = child.stdio[3] as NodeJS.ReadableStream;
  // Resolves on the word, or on an early death (exited tells how it ended).
  const parked = new Promise<void>((resolve) => {
    signal.once('data', () => resolve());
    signal.once('close', () => resolve());
  });
  let running = true;
  child.once('exit', () => { running = false; });
  const exited = new Promise<EngineExit>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': the output is complete only once its pipes are closed.
    child.once('close', (code, signal) => resolve({ code, signal, out, err }));
  });
  return {
    parked,
    go: () => { child.stdin.end('go\n'); },
    exited,
    kill: () => running && child.kill('SIGKILL'),
  };
}
