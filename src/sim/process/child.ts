// One real process for a container: spawned in its own process group (so a signal
// reaches whatever it starts, and a Ctrl-C at the terminal reaches only the simulator,
// which decides), its output captured, its exit reported once. When the group leader
// exits, the rest of the group is killed, as a container's processes die with its PID 1.
//
// No orphans: every live process is in one registry for this host process. On the host's
// 'exit' they are all SIGKILLed (synchronously, the only thing 'exit' allows); on SIGINT,
// SIGTERM or SIGHUP with no other listener, they are killed and the signal is raised again
// so the host still ends as it would have. A host that handles those signals itself (the
// CLI does) stops the simulator, which kills them. Only a SIGKILL of the host leaves
// them running.

import { spawn } from 'node:child_process';
import type { LogBuffer } from './log-buffer.js';

export type ChildExit = {
  /** The exit code, or 128 + the signal number for a process ended by a signal (as container runtimes report it). */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | undefined;
  /** Set when the program could not be started at all (ENOENT, EACCES…). */
  readonly startError: string | undefined;
};

export type Child = {
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  readonly alive: boolean;
  /** Signals the process group; a no-op once it is gone. */
  signal(signal: 'SIGTERM' | 'SIGKILL'): void;
};

export type ChildSpec = { command: string; args: readonly string[]; env: Record<string, string>; cwd?: string };

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

export function spawnChild(spec: ChildSpec, log: LogBuffer): Child {
  const child = spawn(spec.command, spec.args, { env: spec.env, cwd: spec.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  let alive = pid !== undefined;
  if (pid !== undefined) live.add(pid);
  hostHooks();
  child.stdout?.on('data', (chunk: Buffer) => log.append(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.append(chunk));
  const exited = new Promise<ChildExit>((resolve) => {
    const done = (exit: ChildExit) => {
      if (pid !== undefined) {
        killGroup(pid, 'SIGKILL'); // what the process left behind goes with it
        live.delete(pid);
      }
      alive = false;
      hostHooks();
      resolve(exit);
    };
    child.once('error', (error) => {
      if (pid !== undefined && child.exitCode === null && child.signalCode === null) return; // a failed kill(); the process runs on
      log.append(Buffer.from(`failed to start ${spec.command}: ${error.message}\n`));
      done({ exitCode: 128, signal: undefined, startError: error.message });
    });
    child.once('exit', (code, signal) => {
      done({ exitCode: code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0), signal: signal ?? undefined, startError: undefined });
    });
  });
  return {
    pid,
    exited,
    get alive() {
      return alive;
    },
    signal(signal) {
      if (alive && pid !== undefined) killGroup(pid, signal);
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Process-group ids of the processes this host started and that still run. */
const live = new Set<number>();
let hooked = false;

function killAll(): void {
  for (const pid of live) killGroup(pid, 'SIGKILL');
  live.clear();
}

const HOST_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onHostSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (the CLI does, and stops the simulator): leave it to them.
  if (process.listenerCount(signal) > 1) return;
  killAll();
  hostHooks();
  process.kill(process.pid, signal);
}

/** Installs the host hooks while any process runs, and removes them when none does. */
function hostHooks(): void {
  const want = live.size > 0;
  if (want === hooked) return;
  hooked = want;
  if (want) {
    process.on('exit', killAll);
    for (const signal of HOST_SIGNALS) process.on(signal, onHostSignal);
  } else {
    process.off('exit', killAll);
    for (const signal of HOST_SIGNALS) process.off(signal, onHostSignal);
  }
}

/** Process-group ids still running (for tests). */
export function liveChildren(): readonly number[] {
  return [...live];
}
