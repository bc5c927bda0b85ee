// A new haproxy.cfg goes live only through here: checked with `haproxy -c` first, then
// renamed over the live file and loaded by a seamless reload of the master-worker
// master (the master hands the listening sockets to the new worker, so no connection is
// refused). The reload is confirmed by watching the master's process list and the admin
// socket until the new worker answers; never by a fixed sleep.

import { execFile } from 'node:child_process';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Sleep } from '../../actuate/types.js';
import type { Clock } from '../../clock.js';
import { readIfExists, tempNameFor, writeFileAtomic, type HaproxyFiles } from './files.js';
import type { SocketCommand } from './haproxy-socket.js';
import type { RuntimeApi } from './runtime-api.js';

export type ReloadDeps = {
  readonly haproxyBin: string;
  readonly master: SocketCommand;
  readonly runtime: RuntimeApi;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** How long a reload may take to show its new worker (default 15 s). */
  readonly reloadTimeoutMs?: number;
};

export type ApplyResult =
  | { readonly outcome: 'reloaded'; readonly workerPid: number; readonly checkMs: number; readonly reloadMs: number }
  | { readonly outcome: 'rejected'; readonly error: string }
  | { readonly outcome: 'reload-failed'; readonly error: string };

/** `haproxy -c -f <file>`: undefined when valid, else haproxy's alerts. */
export function checkConfig(haproxyBin: string, file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(haproxyBin, ['-c', '-f', file], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (!error) return resolve(undefined);
      const alerts = `${stderr}\n${stdout}`.split('\n').filter((l) => /ALERT|error/i.test(l)).map((l) => l.replace(/^\[ALERT\]\s*\(\d+\)\s*:\s*/, '').trim());
      resolve(alerts.join('; ') || error.message);
    });
  });
}

/**
 * Checks `config`, and only if haproxy accepts it makes it and `map` live and reloads.
 * A rejected config leaves the files and haproxy untouched; a reload that does not take
 * puts the previous files back, so the files always describe what haproxy runs.
 */
export async function applyConfig(deps: ReloadDeps, files: HaproxyFiles, config: string, map: string): Promise<ApplyResult> {
  const started = deps.clock.now();
  const staged = tempNameFor(files.configFile);
  await writeFile(staged, config, { mode: 0o644 });
  const problem = await checkConfig(deps.haproxyBin, staged).catch((error: Error) => error.message);
  if (problem !== undefined) {
    await rm(staged, { force: true });
    return { outcome: 'rejected', error: problem };
  }
  try {
    const checked = deps.clock.now();
    const previous = { config: await readIfExists(files.configFile), map: await readIfExists(files.mapFile) };
    // IMPORTANT: the server states are saved before the reload, so a server DOWN now is not
    // assumed UP by the new worker (and sent traffic) until its first check.
    await writeFileAtomic(files.stateFile, await deps.runtime.serversStateText());
    // IMPORTANT: the map before the config: the new worker reads both, and the map names
    // backends that only the new config defines.
    await writeFileAtomic(files.mapFile, map);
    await rename(staged, files.configFile);
    try {
      const workerPid = await reload(deps);
      return { outcome: 'reloaded', workerPid, checkMs: checked - started, reloadMs: deps.clock.now() - checked };
    } catch (error) {
      if (previous.config !== undefined) await writeFileAtomic(files.configFile, previous.config);
      if (previous.map !== undefined) await writeFileAtomic(files.mapFile, previous.map);
      return { outcome: 'reload-failed', error: (error as Error).message };
    }
  } finally {
    await rm(staged, { force: true });
  }
}

export type ProcList = {
  readonly reloads: number;
  readonly failed: number;
  readonly workers: readonly { readonly pid: number; readonly reloads: number }[];
};

/** The master CLI's `show proc`: the master's reload count and the current workers (not the old ones). */
export function parseShowProc(text: string): ProcList {
  let reloads = -1;
  let failed = 0;
  let section = 'master';
  const workers: { pid: number; reloads: number }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) section = line.slice(2).trim();
    const m = /^(\d+)\s+(master|worker)\s+(\d+)(?:\s+\[failed: (\d+)\])?/.exec(line);
    if (!m) continue;
    if (m[2] === 'master') {
      reloads = Number(m[3]);
      failed = Number(m[4] ?? 0);
    } else if (section === 'workers') workers.push({ pid: Number(m[1]), reloads: Number(m[3]) });
  }
  if (reloads < 0) throw new Error(`not a haproxy master's "show proc": ${text.slice(0, 200)}`);
  return { reloads, failed, workers };
}

class ReloadRefused extends Error {
  constructor() {
    super('haproxy failed to load the new configuration (see its log); the old worker keeps serving');
  }
}

/** Reloads through the master CLI; resolves with the new worker's pid once it answers on the admin socket. */
export async function reload(deps: ReloadDeps): Promise<number> {
  const deadline = deps.clock.now() + (deps.reloadTimeoutMs ?? 15_000);
  const before = parseShowProc(await deps.master('show proc'));
  const known = new Set(before.workers.map((w) => w.pid));
  // The master re-executes itself and closes the CLI connection: no answer to wait for.
  await deps.master('reload').catch(() => undefined);
  let newPid: number | undefined;
  let last = 'no answer from the master';
  while (deps.clock.now() < deadline) {
    try {
      if (newPid === undefined) {
        const now = parseShowProc(await deps.master('show proc'));
        if (now.reloads > before.reloads) {
          newPid = now.workers.find((w) => w.reloads === 0 && !known.has(w.pid))?.pid;
          if (newPid === undefined && now.failed > 0) throw new ReloadRefused();
          last = 'the master has reloaded but shows no new worker yet';
        }
      }
      if (newPid !== undefined) {
        if ((await deps.runtime.workerPid()) === newPid) return newPid;
        last = `new worker ${newPid} does not answer on the admin socket yet`;
      }
    } catch (error) {
      if (error instanceof ReloadRefused) throw error;
      last = (error as Error).message;
    }
    await deps.sleep(10);
  }
  throw new Error(`haproxy's reload was not confirmed within ${deps.reloadTimeoutMs ?? 15_000} ms: ${last}`);
}
