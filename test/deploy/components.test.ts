// The optional components for the blue/green deployer: deploy/components/deployer (the
// deployer's Deployment, its own RBAC — checked call by call in rbac.test.ts — and its API's
// Service), deploy/components/lb (haproxy and lb-sync in one pod) and lb-tls (HTTPS from
// a TLS Secret). Rendered as a user's
// overlay adds them, validated field by field, and their pods' command lines run on the
// host: what differs from the cluster is only where files, sockets and peers are.

import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim } from '../daemon/helpers.js';
import { issueServerCertificate, makeTestPki } from '../deployer/etcd/certs.js';
import { freePort, httpGet, httpsGet, startBackendServers, startEtcd, tempDir, waitFor, type EtcdServer } from '../deployer/infra.js';
import { awaitBackendUp, awaitFrontend, putBackend, putFrontend } from '../deployer/lb/helpers.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { hostCommand } from './dockerfile.js';
import { modelOf, validate } from './openapi.js';
import { ROOT, only, renderWith, type KubeObject } from './render.js';

type EnvVar = { name: string; value?: string };
type Container = {
  name: string; image: string; command?: string[]; args?: string[]; env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = { securityContext: Record<string, unknown> & { seccompProfile?: { type: string } }; containers: Container[]; volumes?: { name: string; secret?: { secretName: string; items: { key: string; path: string }[] } }[] };
type Deployment = KubeObject & { spec: { replicas: number; strategy?: { type: string }; template: { spec: PodSpec } } };
type Service = KubeObject & { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } };

let objects: KubeObject[];
beforeAll(async () => { objects = await renderWith(['deployer', 'lb', 'lb-tls']); });

const deployment = (name: string) => only(objects, 'Deployment', name) as Deployment;
const envOf = (container: Container): Record<string, string> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value!]));

/** The SCALERD_* variables a command reads, from its --help (commander lists each flag's). */
async function variablesOf(command: string): Promise<Set<string>> {
  const help = await run(['dist/cli/main.js', command, '--help']);
  return new Set([...help.replace(/\s+/g, '').matchAll(/env:(SCALERD_[A-Z_]+)/g)].map((m) => m[1]!));
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.once('error', reject).once('close', () => resolve(out));
  });
}

describe('deploy/components/deployer, lb and lb-tls (kubectl kustomize)', () => {
  it('render objects that fit the Kubernetes API types, in scalerd\'s namespace, on the released images', () => {
    const added = objects.filter((o) => /^scalerd-(deployer|lb)$/.test(o.metadata.name)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(added).toEqual([
      'Deployment/scalerd-deployer', 'Deployment/scalerd-lb', 'Role/scalerd-deployer', 'RoleBinding/scalerd-deployer',
      'Service/scalerd-deployer', 'Service/scalerd-lb', 'ServiceAccount/scalerd-deployer',
    ]);
    // The deployer's Role and RoleBinding live in the namespaces it deploys to (rbac.test.ts).
    const deploysTo = envOf(deployment('scalerd-deployer').spec.template.spec.containers[0]!).SCALERD_DEPLOYER_NAMESPACES!.split(',');
    for (const object of objects) {
      expect(validate(object, modelOf(object.apiVersion, object.kind)), `${object.kind}/${object.metadata.name}`).toEqual([]);
      if (/^(Role|RoleBinding)$/.test(object.kind) && object.metadata.name === 'scalerd-deployer') expect(deploysTo, `${object.kind}/${object.metadata.name}`).toContain(object.metadata.namespace);
      else if (!/^(Namespace|ClusterRole|ClusterRoleBinding)$/.test(object.kind)) expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe('scalerd');
    }
    const daemonImage = deployment('scalerd').spec.template.spec.containers[0]!.image;
    expect(daemonImage).toMatch(/^ghcr\.io\/scalerd\/scalerd:\d+\.\d+\.\d+$/);
    expect(deployment('scalerd-deployer').spec.template.spec.containers[0]!.image).toBe(daemonImage);
    const tag = daemonImage.split(':')[1];
    expect(deployment('scalerd-lb').spec.template.spec.containers.map((c) => c.image)).toEqual([`ghcr.io/scalerd/scalerd-lb:${tag}`, `ghcr.io/scalerd/scalerd-lb:${tag}`]);
  });

  it('lock every container down: non-root, read-only root, no capabilities, RuntimeDefault seccomp, bounded memory', () => {
    for (const name of ['scalerd-deployer', 'scalerd-lb']) {
      const pod = deployment(name).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext, `${name}/${container.name}`).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
        expect(container.resources.requests?.memory, `${name}/${container.name}`).toBeDefined();
        expect(container.resources.limits?.memory, `${name}/${container.name}`).toBeDefined();
      }
    }
  });

  it('set only variables the commands read, and the Services reach named container ports', async () => {
    const deployer = deployment('scalerd-deployer');
    const lb = deployment('scalerd-lb');
    const [deployerVars, lbVars] = await Promise.all([variablesOf('deployer'), variablesOf('lb-sync')]);
    expect(deployerVars.has('SCALERD_DEPLOYER_ETCD_CA')).toBe(true);
    for (const name of Object.keys(envOf(deployer.spec.template.spec.containers[0]!))) expect(deployerVars, name).toContain(name);
    const sync = lb.spec.template.spec.containers.find((c) => c.name === 'lb-sync')!;
    for (const name of Object.keys(envOf(sync))) expect(lbVars, name).toContain(name);

    for (const [service, pod] of [['scalerd-deployer', deployer], ['scalerd-lb', lb]] as const) {
      const svc = only(objects, 'Service', service) as Service;
      for (const [key, value] of Object.entries(svc.spec.selector)) expect((pod.spec.template as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels[key]).toBe(value);
      const named = pod.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
      expect(named, service).toContain(svc.spec.ports[0]!.targetPort);
    }
    // One deployer at a time (a new one resumes what the old left), one lb-sync per layout.
    expect(deployer.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(lb.spec.replicas).toBe(1);
    // The token is read from the Secret's mount.
    const container = deployer.spec.template.spec.containers[0]!;
    const mount = container.volumeMounts!.find((m) => m.name === 'secret')!;
    const secret = deployer.spec.template.spec.volumes!.find((v) => v.name === 'secret')!.secret!;
    expect(envOf(container).SCALERD_DEPLOYER_TOKEN_FILE).toBe(`${mount.mountPath}/${secret.items[0]!.path}`);
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });

  it('lb-tls: only lb-sync mounts the TLS Secret, where its variable says; haproxy listens where lb-sync binds', () => {
    const pod = deployment('scalerd-lb').spec.template.spec;
    const [haproxy, sync] = ['haproxy', 'lb-sync'].map((name) => pod.containers.find((c) => c.name === name)!);
    const secretVolume = pod.volumes!.find((v) => v.secret?.secretName === 'scalerd-lb-tls')!;
    expect(secretVolume).toBeDefined();
    expect(haproxy!.volumeMounts!.map((m) => m.name)).not.toContain(secretVolume.name);
    const mount = sync!.volumeMounts!.find((m) => m.name === secretVolume.name)!;
    expect(envOf(sync!).SCALERD_LB_TLS_CERT_DIR).toBe(mount.mountPath);
    const https = haproxy!.ports!.find((p) => p.name === 'https')!;
    expect(envOf(sync!).SCALERD_LB_TLS_BIND).toBe(`0.0.0.0:${https.containerPort}`);
    const service = only(objects, 'Service', 'scalerd-lb') as Service;
    expect(service.spec.ports.map((p) => `${p.port}:${p.targetPort}`).sort()).toEqual(['443:https', '80:http', '8404:metrics']);
  });
});

describe('the components\' pods, their command lines run on the host', () => {
  const stops: (() => Promise<unknown>)[] = [];
  let etcd: EtcdServer;
  let sim: Sim | undefined;
  beforeAll(async () => {
    etcd = await startEtcd();
    stops.push(() => etcd.stop());
  }, 30_000);
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await sim?.stop();
  });

  /** A process of the pod: killed at the end, its output kept for the assertion messages. */
  function start(command: string, args: readonly string[], env: Record<string, string>) {
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: ROOT, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { output = (output + c).slice(-8000); });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { output = (output + c).slice(-8000); });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    stops.push(async () => { if (child.exitCode === null) child.kill('SIGKILL'); await exited; });
    return { child, exited, output: () => output };
  }

  it('scalerd-lb (with lb-tls): haproxy waits for lb-sync\'s config, then serves what etcd says, over HTTPS too', async () => {
    const pod = deployment('scalerd-lb').spec.template.spec;
    const haproxy = pod.containers.find((c) => c.name === 'haproxy')!;
    const sync = pod.containers.find((c) => c.name === 'lb-sync')!;
    // The pod's volumes, as directories here; every path in the commands and variables moves with them.
    const dir = await tempDir('lb-pod');
    const volumes = new Map<string, string>();
    for (const mount of [...haproxy.volumeMounts!, ...sync.volumeMounts!]) {
      if (volumes.has(mount.mountPath)) continue;
      volumes.set(mount.mountPath, join(dir, mount.name));
      await mkdir(join(dir, mount.name));
    }
    // The TLS Secret, as the kubelet mounts one (tls.crt and tls.key).
    const pki = await makeTestPki(await tempDir('pki'));
    const certificate = await issueServerCertificate(pki, 'shop', 'shop.example');
    await copyFile(certificate.cert, join(dir, 'tls', 'tls.crt'));
    await copyFile(certificate.key, join(dir, 'tls', 'tls.key'));
    const [port, tlsPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const here = (text: string) => [...volumes].reduce((t, [from, to]) => t.split(from).join(to), text)
      // The pod listens on all its interfaces; the host must not.
      .replace('0.0.0.0:8000', `127.0.0.1:${port}`).replace('0.0.0.0:8443', `127.0.0.1:${tlsPort}`).replace('0.0.0.0:8404', `127.0.0.1:${metricsPort}`);

    // haproxy first: it must wait for the config rather than fail.
    const ca = await readFile(pki.caFile);
    const [shell, ...shellArgs] = haproxy.command!.map(here);
    const proxy = start(shell!, shellArgs, {});
    await new Promise((r) => setTimeout(r, 700));
    expect(proxy.child.exitCode, proxy.output()).toBeNull();

    const env = Object.fromEntries(Object.entries(envOf(sync)).map(([k, v]) => [k, here(v)]));
    expect(env.SCALERD_LB_BIND).toBe(`127.0.0.1:${port}`);
    const [node, ...args] = hostCommand('lb', sync.args!);
    expect(node).toBe('node');
    const lbSync = start(process.execPath, args, { ...env, SCALERD_LB_ETCD: etcd.url });

    const client = new Etcd3({ hosts: etcd.url });
    stops.push(async () => client.close());
    const app = await startBackendServers(1, 'v1');
    stops.push(() => app.stop());
    try {
      await putBackend(client, 'shop.web.1', app.entries());
      await awaitBackendUp(client, 'shop.web.1', [app.servers[0]!.name], 20_000);
      await awaitFrontend(client, 'shop.example', await putFrontend(client, 'shop.example', 'shop.web.1'), 20_000);
      const answer = await waitFor('an answer through the pod\'s haproxy', async () => (await httpGet(`http://127.0.0.1:${port}`, 'shop.example').catch(() => undefined))?.version, 10_000);
      expect(answer).toBe('v1');
      const secure = await waitFor('an HTTPS answer', () => httpsGet(tlsPort, 'shop.example', ca).catch(() => undefined), 10_000);
      expect(secure).toMatchObject({ status: 200, version: 'v1', proto: 'https' });
      // haproxy's exporter, where the pod's metrics port says: the version's backend counted the answers.
      expect(haproxy.ports!.find((p) => p.name === 'metrics')!.containerPort).toBe(8404);
      const exported = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const served = /^haproxy_backend_http_responses_total\{proxy="be_shop\.web\.1",code="2xx"\} (\d+)$/m.exec(exported);
      expect(Number(served?.[1]), exported.slice(0, 500)).toBeGreaterThanOrEqual(2);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhaproxy: ${proxy.output()}\nlb-sync: ${lbSync.output()}`);
    }
    lbSync.child.kill('SIGTERM');
    expect(await lbSync.exited, lbSync.output()).toBe(0);
  }, 60_000);

  it('scalerd-deployer: starts from its variables and the mounted token, answers its API', async () => {
    const container = deployment('scalerd-deployer').spec.template.spec.containers[0]!;
    const env = envOf(container);
    const dir = await tempDir('deployer-pod');
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'a-token-from-the-secret\n');
    sim = await startDemoSim({ speed: 1 });
    const port = await freePort();
    const [node, ...args] = hostCommand(undefined, container.args!);
    expect(node).toBe('node');
    const deployer = start(process.execPath, args, {
      ...env,
      SCALERD_DEPLOYER_ETCD: etcd.url,
      SCALERD_DEPLOYER_TOKEN_FILE: tokenFile,
      SCALERD_DEPLOYER_LISTEN: `127.0.0.1:${port}`,
      // The pod uses its service account; here, the simulator.
      KUBECONFIG: kubeconfigFile(sim),
    });
    const api = `http://127.0.0.1:${port}`;
    await waitFor('the deployer\'s /healthz', async () => {
      if (deployer.child.exitCode !== null) throw new Error(`the deployer exited ${deployer.child.exitCode}: ${deployer.output()}`);
      return (await fetch(`${api}/healthz`).then((r) => r.ok, () => false)) || undefined;
    }, 20_000);
    expect((await fetch(`${api}/deployments`)).status).toBe(401);
    // Its metrics, for the ServiceMonitor on the same port: no token, as the daemon's.
    expect(await (await fetch(`${api}/metrics`)).text()).toMatch(/^scalerd_deployer_deployments_total\{outcome="rolled-back"\} 0$/m);
    const listed = await fetch(`${api}/deployments`, { headers: { authorization: 'Bearer a-token-from-the-secret' } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([]);
    // JSON logs, as SCALERD_DEPLOYER_LOG_FORMAT=json asks.
    expect(deployer.output().split('\n').filter((l) => l.trim() !== '').every((l) => JSON.parse(l) !== null)).toBe(true);
    deployer.child.kill('SIGTERM');
    expect(await deployer.exited, deployer.output()).toBe(0);
  }, 60_000);
});
