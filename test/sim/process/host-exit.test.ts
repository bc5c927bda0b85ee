// No orphans when the host process ends without sim.stop(): on process.exit, and on a
// SIGTERM or SIGINT it does not handle itself, the processes it started are killed.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive, waitFor } from './helpers.js';

const HOST = fileURLToPath(new URL('fixtures/host.ts', import.meta.url));

/** Runs the host; resolves with the pids it reported and how it ended, once it has. */
function runHost(mode: 'exit' | 'signal', signal?: NodeJS.Signals): Promise<{ pids: number[]; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const host = spawn(process.execPath, ['--import', 'tsx', HOST, mode], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    let pids: number[] = [];
    host.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    host.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (pids.length === 0 && stdout.includes('\n')) {
        pids = JSON.parse(stdout.split('\n')[0]!) as number[];
        if (signal) host.kill(signal);
      }
    });
    host.once('error', reject);
    host.once('exit', (code, sig) => resolve({ pids, code, signal: sig, stderr }));
  });
}

describe('the host process ends without sim.stop()', () => {
  it('process.exit(): every process it started is killed', async () => {
    const result = await runHost('exit');
    expect(result.pids, result.stderr).toHaveLength(3);
    expect(result.code).toBe(0);
    await waitFor(() => result.pids.every((pid) => !alive(pid)), { timeoutMs: 2000, what: 'the processes gone' });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s it does not handle: every process is killed, and the host ends by the signal as it would have', async (signal) => {
    const result = await runHost('signal', signal);
    expect(result.pids, result.stderr).toHaveLength(3);
    expect(result.signal).toBe(signal);
    await waitFor(() => result.pids.every((pid) => !alive(pid)), { timeoutMs: 2000, what: 'the processes gone' });
  });
});
