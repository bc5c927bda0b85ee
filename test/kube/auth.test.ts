// Credentials as the API server receives them: a token file re-read after rotation (at most
// once a minute, at once after a 401), and exec plugins run once for many requests, again
// at expiry or after a 401, with failures that say what to do and never show a token.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { isRemoteError } from '../../src/errors.js';
import { createCluster } from '../../src/kube/index.js';
import type { ExecConfig } from '../../src/kube/exec-config.js';
import { createRestClient } from '../../src/kube/rest.js';
import { KubeCredentialError } from '../../src/kube/rest-errors.js';
import { failure, tempDir } from './helpers.js';
import { type LocalServer, json, startServer, status, targetFor } from './local-server.js';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server that answers 401 to the tokens in `refused`, and an empty node list to the rest. */
async function apiServer(refused: Set<string> = new Set()): Promise<LocalServer> {
  const server = await startServer((req, res) => {
    if (refused.has(req.headers.authorization ?? '')) json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    else json(res, 200, { kind: 'NodeList', metadata: {}, items: [] });
  });
  servers.push(server);
  return server;
}

const fakeClock = (start: number): Clock & { at: number } => {
  const clock: Clock & { at: number } = { at: start, now: () => clock.at };
  return clock;
};
const tokens = (server: LocalServer) => server.seen.map((s) => s.headers.authorization);

describe('a token file', () => {
  it('is re-read when a minute has passed, trimmed, and at once after a 401', async () => {
    const file = join(tempDir(), 'token');
    writeFileSync(file, 'first\n');
    const refused = new Set<string>();
    const server = await apiServer(refused);
    const clock = fakeClock(0);
    const rest = createRestClient(targetFor(server.url, { tokenFile: file }), { headers: {}, clock });
    const get = () => rest.request('GET', '/api/v1/nodes').catch(() => 'refused');

    await get();
    writeFileSync(file, 'second\n'); // the kubelet rotates it
    clock.at = 59_000;
    await get();
    clock.at = 60_000;
    await get();
    expect(tokens(server)).toEqual(['Bearer first', 'Bearer first', 'Bearer second']);

    writeFileSync(file, 'third');
    refused.add('Bearer second');
    expect(await get()).toBe('refused');
    await get(); // within the minute, but the 401 said the token is stale
    expect(tokens(server).slice(3)).toEqual(['Bearer second', 'Bearer third']);
  });

  it('that cannot be read fails the request with a credential failure naming the file', async () => {
    const server = await apiServer();
    const file = join(tempDir(), 'token');
    const rest = createRestClient(targetFor(server.url, { tokenFile: file }), { headers: {}, clock: fakeClock(0) });
    const error = await failure(rest.request('GET', '/api/v1/nodes'));
    expect(error).toBeInstanceOf(KubeCredentialError);
    expect((error as Error).message).toBe(`the token file ${file} cannot be read: ENOENT`);
  });
});

/**
 * An exec plugin: counts its runs in a file, saves KUBERNETES_EXEC_INFO, and prints an
 * ExecCredential whose token names the run ("token-1", "token-2"…), expiring at `expiry`.
 */
function plugin(options: { apiVersion?: string; expiry?: string; exit?: number; stderr?: string; output?: string } = {}): { exec: ExecConfig; runs: () => number; info: () => unknown } {
  const dir = tempDir('scalerd-exec-');
  const apiVersion = options.apiVersion ?? 'client.authentication.k8s.io/v1';
  const script = join(dir, 'plugin.cjs');
  writeFileSync(script, `
const fs = require('node:fs');
const runs = ${JSON.stringify(join(dir, 'runs'))};
fs.appendFileSync(runs, 'x');
fs.writeFileSync(${JSON.stringify(join(dir, 'info'))}, process.env.KUBERNETES_EXEC_INFO ?? '');
const n = fs.readFileSync(runs, 'utf8').length;
if (${options.exit ?? 0}) { process.stderr.write(${JSON.stringify(options.stderr ?? '')}); process.exit(${options.exit ?? 0}); }
const output = ${JSON.stringify(options.output ?? null)};
process.stdout.write(output ?? JSON.stringify({ apiVersion: ${JSON.stringify(apiVersion)}, kind: 'ExecCredential',
  status: { token: 'token-' + n, ${options.expiry ? `expirationTimestamp: ${JSON.stringify(options.expiry)}` : ''} } }));
`);
  return {
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], env: [{ name: 'PLUGIN_SETTING', value: 'x' }], provideClusterInfo: true, installHint: 'install it with: brew install plugin' },
    runs: () => { try { return readFileSync(join(dir, 'runs'), 'utf8').length; } catch { return 0; } },
    info: () => JSON.parse(readFileSync(join(dir, 'info'), 'utf8')) as unknown,
  };
}

describe('an exec plugin', () => {
  it('is run once for requests made together, its token kept until expirationTimestamp, then run again', async () => {
    const server = await apiServer();
    const { exec, runs, info } = plugin({ expiry: '2030-01-01T00:00:00Z' });
    const clock = fakeClock(Date.parse('2029-12-31T23:00:00Z'));
    const rest = createRestClient(targetFor(server.url, { exec }), { headers: {}, clock });

    await Promise.all(Array.from({ length: 10 }, () => rest.request('GET', '/api/v1/nodes')));
    await rest.request('GET', '/api/v1/nodes');
    expect(runs()).toBe(1);
    clock.at = Date.parse('2030-01-01T00:00:00Z');
    await rest.request('GET', '/api/v1/nodes');
    expect(runs()).toBe(2);
    expect(tokens(server)).toEqual([...Array(11).fill('Bearer token-1'), 'Bearer token-2']);
    expect(info()).toEqual({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false, cluster: { server: server.url } } });
  });

  it('without an expiry is kept until the API server refuses its token (v1beta1 too)', async () => {
    const refused = new Set(['Bearer token-1']);
    const server = await apiServer(refused);
    const { exec, runs } = plugin({ apiVersion: 'client.authentication.k8s.io/v1beta1' });
    const rest = createRestClient(targetFor(server.url, { exec: { ...exec, apiVersion: 'client.authentication.k8s.io/v1beta1' } }), { headers: {}, clock: fakeClock(0) });
    expect(await failure(rest.request('GET', '/api/v1/nodes'))).toMatchObject({ status: 401 });
    await rest.request('GET', '/api/v1/nodes');
    await rest.request('GET', '/api/v1/nodes');
    expect(runs()).toBe(2);
    expect(tokens(server)).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-2']);
  });

  it('that fails makes a retryable RemoteError with what it said, after the adapter\'s attempts', async () => {
    const server = await apiServer();
    const { exec, runs } = plugin({ exit: 3, stderr: 'error: the SSO session has expired; run aws sso login\n' });
    const cluster = createCluster({ target: targetFor(server.url, { exec }), retry: { attempts: 2, baseDelayMs: 1 } });
    const error = await failure(cluster.listNodes());
    expect(isRemoteError(error) && error.detail).toEqual({ operation: 'list nodes', retryable: true });
    expect((error as Error).message).toBe(`Kubernetes list nodes failed (after 2 attempts): the exec plugin ${process.execPath} of the user "tester" failed (exit 3): error: the SSO session has expired; run aws sso login`);
    expect(runs()).toBe(2);
    expect(server.seen).toHaveLength(0);
  });

  it('that is not installed says so, with the kubeconfig\'s install hint', async () => {
    const server = await apiServer();
    const { exec } = plugin();
    const rest = createRestClient(targetFor(server.url, { exec: { ...exec, command: '/no/such/plugin' } }), { headers: {}, clock: fakeClock(0) });
    expect(await failure(rest.request('GET', '/'))).toMatchObject({ message: 'the exec plugin /no/such/plugin of the user "tester" is not installed (no such command); install it with: brew install plugin' });
  });

  it.each([
    ['not JSON', 'token sekret-value', /printed something that is not JSON/],
    ['another kind', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'Secret', status: { token: 'sekret-value' } }), /printed no ExecCredential \(kind "Secret"\)/],
    ['another version', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'sekret-value' } }), /answered in "client.authentication.k8s.io\/v1beta1", not the client.authentication.k8s.io\/v1/],
    ['no credential', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: 'sekret-value' } }), /gave neither a token nor a client certificate and key/],
    ['a bad expiry', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'sekret-value', expirationTimestamp: 'soon' } }), /expirationTimestamp "soon", which is not an RFC 3339 time/],
    ['a token with a newline', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'sekret-value\n' } }), /a token with a character an HTTP header cannot carry/],
  ])('that prints %s is refused without quoting it', async (_, output, message) => {
    const server = await apiServer();
    const { exec } = plugin({ output });
    const rest = createRestClient(targetFor(server.url, { exec }), { headers: {}, clock: fakeClock(0) });
    const error = await failure(rest.request('GET', '/'));
    expect(error).toBeInstanceOf(KubeCredentialError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('sekret-value');
  });
});
