// What the benchmarks that measure the built CLI share: dist/ rebuilt from the source as
// it is, a CLI process with its peak memory and CPU time (bench/rusage.mjs), the median.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from '../scripts/build.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * `npm run build` (scripts/build.mjs, the one way dist/ is built: tsc, and the console's page
 * bundled into dist/console-web/): the benchmarks measure dist/, which must be the source as it is.
 */
export async function buildDist(): Promise<void> {
  await build();
}

export type CliUsage = { code: number | null; maxRssMb: number; cpuMs: number };

/**
 * A process of the built CLI: its stdout lines (or, with `discardOutput`, nothing kept:
 * a long timeline is written to /dev/null as a file, which takes it at once), and its
 * peak resident set and CPU time (user + system) from the rusage line on fd 3.
 */
export function cliProcess(args: readonly string[], options: { env?: Record<string, string>; discardOutput?: boolean } = {}) {
  return nodeProcess(['dist/cli/main.js', ...args], options);
}

/** As cliProcess, for any Node command line (a script, `--input-type=module -e …`). */
export function nodeProcess(args: readonly string[], options: { env?: Record<string, string>; discardOutput?: boolean } = {}) {
  const child: ChildProcess = spawn(process.execPath, ['--import', './bench/rusage.mjs', ...args], {
    cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', options.discardOutput ? 'ignore' : 'pipe', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  let usage = '';
  child.stdio[3]!.on('data', (chunk: Buffer) => { usage += chunk.toString(); });
  const exited = new Promise<CliUsage>((resolve) => child.once('close', (code) => {
    const u = usage ? (JSON.parse(usage) as { maxRssKb: number; userMs: number; systemMs: number }) : undefined;
    resolve({ code, maxRssMb: u ? u.maxRssKb / 1024 : NaN, cpuMs: u ? u.userMs + u.systemMs : NaN });
  }));
  return { child, lines, exited };
}

/**
 * The AWS key pair `scalerd sim` prints in its banner, as environment variables: the
 * simulator refuses requests signed with any other.
 */
export function simAwsEnv(lines: readonly string[]): Record<string, string> | undefined {
  const found = lines.map((l) => /AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(l)).find(Boolean);
  return found ? { AWS_ACCESS_KEY_ID: found[1]!, AWS_SECRET_ACCESS_KEY: found[2]! } : undefined;
}
