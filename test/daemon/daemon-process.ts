// `scalerd run` as the built binary in a child process of its own, for the tests where a
// daemon must die as a process dies (SIGKILL: no release, no clean-up) and several of
// them must share one simulator. Spawned asynchronously: the simulator lives on this
// process's event loop, which a blocking spawnSync would freeze.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type LogLine = Record<string, unknown> & { event?: string; time?: number };

export type DaemonProcess = {
  readonly pid: number;
  /** Every JSON log line so far, in order, each with `receivedAt` (this process's Date.now()). */
  lines(): readonly LogLine[];
  /** Resolves with the first line (already seen or to come) that matches; rejects after `timeoutMs` or when the process ends first. */
  line(what: string, match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** The HTTP port, once the 'listening' line has come. */
  port(): Promise<number>;
  /** GET /status, parsed. */
  status(): Promise<{ role: string; identity: string; leader: string | null }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** False when the process had already ended. */
  kill(signal: NodeJS.Signals): boolean;
};

/** `node dist/cli/main.js run <args> --log-format json`, with `env` over this process's environment. */
export function spawnDaemon(args: readonly string[], env: Record<string, string>): DaemonProcess {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'run', ...args, '--log-format', 'json'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let running = true;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = { ...(JSON.parse(text) as LogLine), receivedAt: Date.now() };
    } catch {
      // Not ours to judge here: kept, so a failing assertion shows it.
      line = { event: 'unparsed', text, receivedAt: Date.now() };
    }
    lines.push(line);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': the output is complete only once its pipes are closed.
    child.once('close', (code, signal) => {
      running = false;
      for (const wake of waiters) wake();
      resolve({ code, signal, stderr });
    });
  });

  const line = (what: string, match: (l: LogLine) => boolean, timeoutMs: number) => new Promise<LogLine>((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr}`)); }, timeoutMs);
    function check(): void {
      const found = lines.find(match);
      if (!found && running) return;
      clearTimeout(timer);
      waiters.delete(check);
      if (found) resolve(found);
      else reject(new Error(`the daemon ended before ${what}; stderr: ${stderr}`));
    }
    waiters.add(check);
    check();
  });

  const port = async () => (await line('the listening line', (l) => l.event === 'listening', 15_000)).port as number;
  return {
    pid: child.pid!,
    lines: () => lines,
    line,
    port,
    async status() {
      const response = await fetch(`http://127.0.0.1:${await port()}/status`);
      return await response.json() as { role: string; identity: string; leader: string | null };
    },
    exited,
    kill: (signal) => running && child.kill(signal),
  };
}
