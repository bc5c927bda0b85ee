// `scalerd sim` as users run it: a child process that prints where its APIs are, serves
// them, and stops cleanly on SIGINT.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../kube/helpers.js';

describe('scalerd sim', () => {
  it('serves the Kubernetes and AWS APIs of a scenario until interrupted', async () => {
    // A path a shell would split or unquote: the export line must quote it.
    const kubeconfigOut = join(tempDir('scalerd-sim-cli-'), "it's a kubeconfig");
    const child = spawn(process.execPath, ['dist/cli/main.js', 'sim', '--scenario', 'scenarios/small.json', '--speed', '10', '--kubeconfig-out', kubeconfigOut], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!out.includes('Press Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/^scalerd sim: scenario small \(3 nodes, 3 workloads, 1 DaemonSets\) at 10x speed$/m);
      const server = /Kubernetes API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(out).toContain(`  kubeconfig       ${kubeconfigOut}\n`);
      expect(readFileSync(kubeconfigOut, 'utf8')).toContain(`server: ${server}`);
      expect(out).toContain(`AWS endpoint     ${server}   region eu-west-1`);

      // The line to paste into another shell sets what the SDK, the aws CLI and kubectl read.
      const exportLine = /^ {2}(export .*)$/m.exec(out)![1]!;
      const seen = execFileSync('bash', ['-c', `${exportLine}; printf '%s\\n' "$KUBECONFIG" "$AWS_ENDPOINT_URL" "$AWS_REGION" "$AWS_ACCESS_KEY_ID"`], { encoding: 'utf8', env: {} });
      expect(seen.split('\n').slice(0, 4)).toEqual([kubeconfigOut, server, 'eu-west-1', 'AKIDSIMULATOR']);

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
