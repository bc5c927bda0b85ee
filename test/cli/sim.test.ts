// `scalerd sim` as users run it: a child process that prints where its APIs are, serves
// them, and stops cleanly on SIGINT.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('scalerd sim', () => {
  it('serves the Kubernetes and AWS APIs of a scenario until interrupted', async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'sim', '--scenario', 'scenarios/small.json', '--speed', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!out.includes('Press Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/^scalerd sim: scenario small \(3 nodes, 3 workloads, 1 DaemonSets\) at 10x speed$/m);
      const server = /Kubernetes API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const kubeconfig = /kubeconfig\s+(\S+)/.exec(out)![1]!;
      expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${server}`);
      expect(out).toContain(`AWS endpoint     ${server}   region eu-west-1`);

      const nodes = (await (await fetch(`${server}/api/v1/nodes`)).json()) as { items: unknown[] };
      expect(nodes.items).toHaveLength(3);
      const version = (await (await fetch(`${server}/version`)).json()) as { major: string };
      expect(version.major).toBe('1');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('scalerd sim: stopped');
  });

  it('rejects --scenario with --nodes (exit 2)', async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'sim', '--scenario', 'scenarios/small.json', '--nodes', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toContain('give --scenario or --nodes, not both');
  });
});
