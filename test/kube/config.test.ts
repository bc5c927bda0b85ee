// Finding the cluster: --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster, in that
// order, each proven by talking to the simulator through what it found; and an error that
// names every place looked at when none works.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type KubeConfigEnvironment, createCluster, loadKubeConfig } from '../../src/kube/index.js';
import { failure, kubeconfigFile, tempDir, useKubeSim } from './helpers.js';

const t = useKubeSim();

const nothing = (): KubeConfigEnvironment => ({ env: {}, homeDir: tempDir(), serviceAccountDir: join(tempDir(), 'none') });
const nodesThrough = async (environment: KubeConfigEnvironment, options = {}) =>
  (await createCluster({ target: loadKubeConfig(options, environment) }).listNodes()).length;

/** A second context in the same file, pointing nowhere, so choosing a context is visible. */
const twoContexts = () => `${t.sim.kubeconfig.replace('current-context: scalerd-sim', 'current-context: elsewhere')}`
  .replace('contexts:\n', 'contexts:\n- name: elsewhere\n  context:\n    cluster: scalerd-sim\n    user: nobody\n');

describe('loadKubeConfig', () => {
  it('uses the --kubeconfig file, and nothing else, when given', async () => {
    const environment = { ...nothing(), env: { KUBECONFIG: '/does/not/matter' } };
    expect(await nodesThrough(environment, { kubeconfig: kubeconfigFile(t.sim) })).toBe(3);
    const missing = await failure(Promise.resolve().then(() => loadKubeConfig({ kubeconfig: '/nope/kubeconfig' }, environment)));
    expect(missing).toMatchObject({ code: 'SCALERD_ERR_KUBE_CONFIG', message: 'the kubeconfig /nope/kubeconfig (from --kubeconfig) does not exist; point --kubeconfig at a kubeconfig file this user can read' });
    const broken = kubeconfigFile(t.sim, 'clusters: [: not yaml');
    expect(() => loadKubeConfig({ kubeconfig: broken }, environment)).toThrow(/cannot be read/);
  });

  it('reads KUBECONFIG, a list where missing files are skipped and the first current-context wins', async () => {
    const first = kubeconfigFile(t.sim);
    const second = kubeconfigFile(t.sim, twoContexts());
    const env = (list: string[]) => ({ ...nothing(), env: { KUBECONFIG: list.join(':') } });
    expect(await nodesThrough(env(['/missing/one', first, second]))).toBe(3);
    expect(loadKubeConfig({}, env([second, first])).context).toBe('elsewhere');
  });

  it('reads KUBECONFIG from the process environment by default', async () => {
    vi.stubEnv('KUBECONFIG', kubeconfigFile(t.sim));
    try {
      expect((await createCluster({ target: loadKubeConfig() }).listNodes()).length).toBe(3);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('falls back to ~/.kube/config', async () => {
    const home = tempDir();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), t.sim.kubeconfig);
    expect(await nodesThrough({ ...nothing(), homeDir: home })).toBe(3);
  });

  it('trims the newline a token file ends with, as client-go does', async () => {
    const tokenFile = join(tempDir(), 'token');
    writeFileSync(tokenFile, 'sekret-token\n');
    const file = kubeconfigFile(t.sim, t.sim.kubeconfig.replace('    token: simulator', `    token-file: ${tokenFile}`));
    expect(await nodesThrough(nothing(), { kubeconfig: file })).toBe(3);
  });

  it('switches to the --context asked, and names the contexts there are when it does not exist', () => {
    const file = kubeconfigFile(t.sim, twoContexts());
    expect(loadKubeConfig({ kubeconfig: file, context: 'scalerd-sim' }, nothing()).context).toBe('scalerd-sim');
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'prod' }, nothing())).toThrow('the context "prod" is not in the kubeconfig (contexts: elsewhere, scalerd-sim)');
  });

  it('talks plain HTTP to an http:// server, as kubectl does, without insecure-skip-tls-verify', async () => {
    const file = kubeconfigFile(t.sim, t.sim.kubeconfig.replace('    insecure-skip-tls-verify: true\n', ''));
    expect(await nodesThrough(nothing(), { kubeconfig: file })).toBe(3);
  });

  it('names every place it looked when there is no configuration at all', () => {
    const environment = nothing();
    expect(() => loadKubeConfig({}, environment)).toThrow(
      `no kubeconfig found; tried: --kubeconfig (not given), KUBECONFIG (not set), ${join(environment.homeDir!, '.kube', 'config')} (no such file), in-cluster (KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set)`,
    );
    const inPod = { ...environment, env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' } };
    expect(() => loadKubeConfig({}, inPod)).toThrow(`in-cluster (no service account token at ${join(environment.serviceAccountDir, 'token')})`);
  });
});

describe('in-cluster', () => {
  // The in-cluster API server is HTTPS with the service account's CA; the simulator speaks
  // HTTP. A TLS proxy in front of it, with a certificate made here, stands in for it and
  // shows what the adapter sends.
  let proxy: Server;
  let dir: string;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    dir = tempDir();
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=kubernetes',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'ca.crt'),
    ], { stdio: 'ignore' });
    writeFileSync(join(dir, 'token'), 'service-account-token'); // projected tokens have no newline
    writeFileSync(join(dir, 'namespace'), 'scalerd\n');
    const upstream = new URL(t.sim.server);
    proxy = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'ca.crt')) }, (req, res) => {
      seen.push(req.headers.authorization);
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
  });

  it('uses the service account token and CA with KUBERNETES_SERVICE_HOST/PORT, and its namespace', async () => {
    const port = (proxy.address() as AddressInfo).port;
    const environment: KubeConfigEnvironment = { env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) }, homeDir: tempDir(), serviceAccountDir: dir };
    const target = loadKubeConfig({}, environment);
    expect(target.cluster).toMatchObject({ server: `https://127.0.0.1:${port}`, insecureSkipTlsVerify: false, ca: readFileSync(join(dir, 'ca.crt')) });
    expect(target.namespace).toBe('scalerd');
    expect(await createCluster({ target }).listNodes()).toHaveLength(3);
    expect(seen).toEqual(['Bearer service-account-token']);
  });

  it('trims the newline a token file ends with, and refuses at load, without showing it, a token a header cannot carry', async () => {
    const port = (proxy.address() as AddressInfo).port;
    const account = tempDir();
    const environment: KubeConfigEnvironment = { env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) }, homeDir: tempDir(), serviceAccountDir: account };
    writeFileSync(join(account, 'ca.crt'), readFileSync(join(dir, 'ca.crt')));
    writeFileSync(join(account, 'token'), 'sekret-in-cluster-token\n');
    seen.length = 0;
    expect(await createCluster({ target: loadKubeConfig({}, environment) }).listNodes()).toHaveLength(3);
    expect(seen).toEqual(['Bearer sekret-in-cluster-token']);
    writeFileSync(join(account, 'token'), 'sekret-in-cluster\ntoken');
    const error = await failure(Promise.resolve().then(() => loadKubeConfig({}, environment)));
    expect(error).toMatchObject({ code: 'SCALERD_ERR_KUBE_CONFIG', message: expect.stringMatching(/a character an HTTP header cannot carry/) });
    expect(`${(error as Error).message}\n${(error as Error).stack}`).not.toContain('sekret-in-cluster');
  });
});
