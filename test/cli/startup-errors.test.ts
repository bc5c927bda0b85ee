// Start-up errors through the built CLI, as a user meets them: a port in use, a kubeconfig
// that is not there, no AWS region. Each is one line on stderr naming the flag, and exit 2;
// nothing else starts (the process ends by itself: a test that hung would time out).

import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin } from './bin.js';

/** The built CLI with no AWS_*, KUBECONFIG or HOME inherited, and the SDK's notice not switched off. */
const cli = (argv: readonly string[]) => bin(argv, { HOME: join(tmpdir(), 'scalerd-no-home') }, { inheritEnv: false });

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

let busy: Server;
let port: number;
let kubeconfig: string;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  port = (busy.address() as { port: number }).port;
  // A kubeconfig that loads; its server is never reached, since nothing gets that far.
  kubeconfig = join(tmpdir(), `scalerd-startup-${process.pid}.kubeconfig`);
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('a port that is in use', () => {
  it('run --listen: exit 2 and exactly one line on stderr, naming --listen', async () => {
    const r = await cli(['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfig, '--aws-region', 'eu-west-1', '--listen', `127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([`error SCALERD_ERR_CLI_LISTEN: --listen 127.0.0.1:${port}: cannot listen (EADDRINUSE): the address is in use: another process (another scalerd?) listens there; stop it or give --listen another port`]);
    expect(r.out).toBe('');
  });

  it('run --sim (npm start) on a busy --listen: the same one line, before the simulator starts', async () => {
    const r = await cli(['run', '--schedule', 'schedules/example.json', '--sim', 'scenarios/demo.json', '--listen', `127.0.0.1:${port}`, '--log-format', 'json']);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toContain(`--listen 127.0.0.1:${port}: cannot listen (EADDRINUSE)`);
    expect(r.out).not.toContain('sim-started');
  });

  it('sim --port: exit 2, one line naming --port', async () => {
    const r = await cli(['sim', '--port', String(port)]);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(new RegExp(`^error SCALERD_ERR_CLI_LISTEN: --port ${port}: cannot listen \\(EADDRINUSE\\):.*give --port another port\\n$`));
  });

  it('deployer --listen: exit 2, one line naming --listen', async () => {
    const token = join(tmpdir(), `scalerd-startup-${process.pid}.token`);
    writeFileSync(token, 't'.repeat(40));
    const r = await cli(['deployer', '--listen', `127.0.0.1:${port}`, '--lb-url', 'http://127.0.0.1:9', '--token-file', token, '--etcd', 'http://127.0.0.1:9', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([expect.stringContaining(`error SCALERD_ERR_CLI_LISTEN: --listen 127.0.0.1:${port}: cannot listen (EADDRINUSE)`)]);
  });

  it('an address that is not this machine\'s: exit 2, one line saying so', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never a local address.
    const r = await cli(['run', '--schedule', 'schedules/example.json', '--listen', '192.0.2.1:8080']);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([expect.stringMatching(/^error SCALERD_ERR_CLI_LISTEN: --listen 192\.0\.2\.1:8080: cannot listen \(EADDRNOTAVAIL\): that host is not an address of this machine/)]);
  });
});

describe('a configuration that cannot work', () => {
  it('a kubeconfig that is not there: exit 2, one line naming --kubeconfig and what to do', async () => {
    const r = await cli(['run', '--schedule', 'schedules/example.json', '--kubeconfig', '/nonexistent/kubeconfig', '--aws-region', 'eu-west-1', '--listen', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual(['error SCALERD_ERR_KUBE_CONFIG: the kubeconfig /nonexistent/kubeconfig (from --kubeconfig) does not exist; point --kubeconfig at a kubeconfig file this user can read']);
  });

  it('no AWS region: exit 2, one line naming --aws-region', async () => {
    const r = await cli(['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual(['error SCALERD_ERR_AWS_CONFIG: no AWS region: pass --aws-region or set AWS_REGION (or AWS_DEFAULT_REGION)']);
  });
});
