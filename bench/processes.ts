// What the benchmarks that measure the built CLI share: dist/ rebuilt from the source as
// it is, a CLI process with its peak memory and CPU time (bench/rusage.mjs), the median;
// a plain process with its output lines, a wait with a deadline, a process's memory, and
// `scalerd sim` in a process of its own.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** A Node process (no rusage preload: its memory is its own), its stdout as lines, stderr passed on. */
export type Started = { child: ChildProcess; exited: Promise<number | null>; lines: string[] };

export function start(args: readonly string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, lines };
}

/** SIGTERM, and its exit. */
export async function stop<T>(p: { child: ChildProcess; exited: Promise<T> }): Promise<T> {
  p.child.kill('SIGTERM');
  return await p.exited;
}

/** `probe` every `everyMs` until it gives a value; an error naming `what` past `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 5): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc. */
export async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The daemon's /status document (its own route, open to all); undefined while it does not answer. */
export async function daemonStatus(port: number): Promise<Record<string, any> | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/status`);
    return response.ok ? ((await response.json()) as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True once the daemon leads and has finished a reconcile as leader (read from /status: an
 * idle reconcile logs its `reconciled` line at debug only); undefined until then.
 */
export async function ledReconcile(port: number): Promise<true | undefined> {
  const doc = await daemonStatus(port);
  return doc?.role === 'leader' && doc.last && doc.last.outcome !== 'standby' && doc.observed ? true : undefined;
}

/** Log lines that say the daemon did something: an idle reconcile logs neither (it logs `reconciled` at debug). */
export const DECISION_EVENTS: readonly string[] = ['reconciled', 'step-started'];

export type SimProcess = { sim: Started; server: string; region: string; kubeconfig: string; awsEnv: Record<string, string> };

/**
 * `scalerd sim` in its own process (by default on the demo scenario; `scenario`: other
 * arguments, such as `--nodes 1000 --pods-per-node 30`), its kubeconfig written in `dir`;
 * where it listens and the AWS key it takes, from its banner.
 */
export async function startSim(dir: string, scenario: readonly string[] = ['--scenario', 'scenarios/demo.json'], timeoutMs = 30_000): Promise<SimProcess> {
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = start(['dist/cli/main.js', 'sim', ...scenario, '--port', '0', '--kubeconfig-out', kubeconfig]);
  const failed = sim.exited.then((code) => { throw new Error(`scalerd sim ${scenario.join(' ')} exited ${code} before it listened`); });
  const banner = until('the simulator to listen', () => sim.lines.some((l) => l.startsWith('Press Ctrl-C')) || undefined, timeoutMs, 10);
  failed.catch(() => undefined);
  try {
    await Promise.race([banner, failed]);
  } catch (error) {
    sim.child.kill('SIGTERM');
    throw error;
  }
  const server = sim.lines.map((l) => /Kubernetes API\s+(http:\S+)/.exec(l)?.[1]).find(Boolean)!;
  const region = sim.lines.map((l) => /region\s+(\S+)/.exec(l)?.[1]).find(Boolean)!;
  const awsEnv = simAwsEnv(sim.lines)!;
  return { sim, server, region, kubeconfig, awsEnv };
}
