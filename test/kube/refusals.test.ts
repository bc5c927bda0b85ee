// What loadKubeConfig refuses at start-up, each with what is wrong, where, and the way out,
// and never a credential; and what it resolves (paths relative to the kubeconfig).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type KubeConfigEnvironment, loadKubeConfig } from '../../src/kube/index.js';
import { tempDir } from './helpers.js';

const nowhere = (): KubeConfigEnvironment => ({ env: {}, homeDir: undefined, serviceAccountDir: join(tempDir(), 'none') });

/** A kubeconfig of one context whose cluster and user have these YAML lines (indented under `cluster:` and `user:`). */
function kubeconfig(user: string[], cluster: string[] = []): string {
  const dir = tempDir();
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: prod',
    'clusters:', '- name: eks', '  cluster:',
    ...(cluster.some((l) => l.startsWith('server:')) ? [] : ['    server: https://api.example.test:443']), ...cluster.map((l) => `    ${l}`),
    'users:', '- name: admin', '  user:', ...user.map((l) => `    ${l}`),
    'contexts:', '- name: prod', '  context:', '    cluster: eks', '    user: admin', '',
  ].join('\n'));
  return file;
}

const refusal = (file: string): string => {
  try {
    loadKubeConfig({ kubeconfig: file }, nowhere());
  } catch (error) {
    expect(error).toMatchObject({ code: 'SCALERD_ERR_KUBE_CONFIG' });
    return (error as Error).message;
  }
  throw new Error('the kubeconfig was accepted');
};

describe('refused at load', () => {
  it.each([
    ['oidc', /auth-provider "oidc", which scalerd does not support; use the exec plugin kubelogin \(kubectl oidc-login/],
    ['gcp', /auth-provider "gcp", which scalerd does not support; use the exec plugin gke-gcloud-auth-plugin/],
    ['azure', /auth-provider "azure", which scalerd does not support; use the exec plugin kubelogin \(https:\/\/github.com\/Azure\/kubelogin/],
    ['openstack', /auth-provider "openstack", which scalerd does not support; use an exec credential plugin/],
  ])('an auth-provider %s, with the exec plugin to use instead', (name, message) => {
    const file = kubeconfig(['auth-provider:', `  name: ${name}`, '  config:', '    id-token: sekret-id-token', '    client-secret: sekret-client']);
    const text = refusal(file);
    expect(text).toMatch(message);
    expect(text).toContain(`the user "admin" (in ${file})`);
    expect(text).not.toMatch(/sekret/);
  });

  it.each([
    ['basic auth', ['username: admin', 'password: sekret-password'], [], /a username and password \(basic auth\), which Kubernetes no longer offers/],
    ['a SOCKS proxy', ['token: sekret-token'], ['proxy-url: socks5://user:sekret-proxy@proxy:1080'], /proxy-url socks5:\/\/user:\*\*\*@proxy:1080; scalerd supports http:\/\/ and https:\/\/ proxies only/],
    ['an exec plugin of v1alpha1', ['exec:', '  apiVersion: client.authentication.k8s.io/v1alpha1', '  command: aws'], [], /asks for apiVersion "client.authentication.k8s.io\/v1alpha1"; scalerd speaks client.authentication.k8s.io\/v1 and client.authentication.k8s.io\/v1beta1/],
    ['an exec plugin that needs a terminal', ['exec:', '  apiVersion: client.authentication.k8s.io/v1', '  command: login', '  interactiveMode: Always'], [], /needs a terminal \(interactiveMode: Always\)/],
    ['a token and an exec plugin', ['token: sekret-token', 'exec:', '  apiVersion: client.authentication.k8s.io/v1', '  command: aws'], [], /has both a token and an exec plugin; keep one of them/],
    ['a client certificate without its key', ['client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=='], [], /has a client certificate without its key/],
    ['a certificate that is not PEM', ['client-certificate-data: bm90IGEgY2VydA==', 'client-key-data: bm90IGEga2V5'], [], /the client-certificate-data of the user "admin" .* is not PEM once base64-decoded/],
    ['a token with a line break', ['token: "sekret\\ntoken"'], [], /the token of the user "admin" .* has a character an HTTP header cannot carry/],
    ['impersonated groups', ['token: sekret-token', 'as: ops', 'as-groups: [admins]'], [], /sets as-groups, which scalerd does not support/],
    ['a server that is not a URL', ['token: sekret-token'], ['server: api.example.test'], /the cluster "eks" .* has the server "api.example.test", which is not a URL; write it as https:\/\/host:port/],
  ])('%s', (_, user, cluster, message) => {
    const text = refusal(kubeconfig(user, cluster));
    expect(text).toMatch(message);
    expect(text).not.toMatch(/sekret/);
  });

  it('YAML that does not parse, saying where without quoting the file', () => {
    const file = kubeconfig(['token: sekret-token', 'token: again']);
    expect(refusal(file)).toBe(`the kubeconfig ${file} (from --kubeconfig) cannot be read: duplicated mapping key at line 12, column 5; fix the YAML there, or point --kubeconfig at another kubeconfig`);
  });

  it('a certificate file that cannot be read, named with its path resolved against the kubeconfig\'s folder', () => {
    const file = kubeconfig(['token: t'], ['certificate-authority: certs/ca.crt']);
    expect(refusal(file)).toBe(`the cluster "eks" (in ${file}) names the certificate-authority ${join(file, '..', 'certs', 'ca.crt')}, which cannot be read: ENOENT`);
  });

  it('a token file that cannot be read', () => {
    const file = kubeconfig(['token-file: token']);
    expect(refusal(file)).toBe(`the token file ${join(file, '..', 'token')} of the user "admin" (in ${file}) cannot be read: ENOENT`);
  });
});

describe('resolved at load', () => {
  it('reads the user and cluster: token trimmed, impersonation, exec plugin with its command relative to the kubeconfig', () => {
    const file = kubeconfig(['token: " sekret-token\\n"', 'as: ops'], ['insecure-skip-tls-verify: true', 'tls-server-name: kubernetes', 'proxy-url: http://proxy:3128']);
    expect(loadKubeConfig({ kubeconfig: file }, nowhere())).toEqual({
      context: 'prod',
      cluster: { name: 'eks', server: 'https://api.example.test:443', insecureSkipTlsVerify: true, tlsServerName: 'kubernetes', proxyUrl: 'http://proxy:3128' },
      user: { name: 'admin', token: 'sekret-token', impersonate: 'ops' },
    });
    const exec = kubeconfig(['exec:', '  apiVersion: client.authentication.k8s.io/v1beta1', '  command: ./bin/get-token', '  args: [--cluster, eks]', '  env: [{name: AWS_PROFILE, value: prod}]', '  provideClusterInfo: true', '  interactiveMode: IfAvailable']);
    expect(loadKubeConfig({ kubeconfig: exec }, nowhere()).user).toEqual({
      name: 'admin',
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: join(exec, '..', 'bin', 'get-token'), args: ['--cluster', 'eks'], env: [{ name: 'AWS_PROFILE', value: 'prod' }], provideClusterInfo: true },
    });
  });

  it('a context whose user the file does not define, as anonymous, as kubectl does', () => {
    const file = kubeconfig(['token: t']).replace(/kubeconfig$/, 'kubeconfig');
    writeFileSync(file, [
      'current-context: c', 'clusters: [{name: k, cluster: {server: "https://k:6443/"}}]', 'contexts: [{name: c, context: {cluster: k, user: ghost, namespace: ops}}]', '',
    ].join('\n'));
    expect(loadKubeConfig({ kubeconfig: file }, nowhere())).toEqual({
      context: 'c', namespace: 'ops', cluster: { name: 'k', server: 'https://k:6443', insecureSkipTlsVerify: false }, user: { name: '' },
    });
  });
});
