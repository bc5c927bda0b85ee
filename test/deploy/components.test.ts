// The optional components for the blue/green deployer: deploy/components/deployer (the
// deployer's Deployment, its own RBAC — checked call by call in rbac.test.ts — and its API's
// Service) and deploy/components/lb (haproxy and lb-sync in one pod). Rendered as a user's
// overlay adds them, validated field by field, and their pods' command lines run on the
// host: what differs from the cluster is only where files, sockets and peers are.

import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim } from '../daemon/helpers.js';
import { freePort, httpGet, startBackendServers, startEtcd, tempDir, waitFor, type EtcdServer } from '../deployer/infra.js';
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
beforeAll(async () => { objects = await renderWith(['deployer', 'lb']); });

const deployment = (name: string) => only(objects, 'Deployment', name) as Deployment;
const envOf = (container: Container): Record<string, string> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value!]));

/** The SCALERD_* variables a command reads, from its --help (commander lists each flag's). */
async function variablesOf(command: string): Promise<Set<string>> {
  const help = await run(['--import', 'tsx', 'src/cli/main.ts', command, '--help']);
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

describe('deploy/components/deployer and deploy/components/lb (kubectl kustomize)', () => {
  it('render objects that fit the Kubernetes API types, in scalerd\'s namespace, on the released images', () => {
    const added = objects.filter((o) => /^scalerd-(deployer|lb)$/.test(o.metadata.name)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(added).toEqual([
      'ClusterRole/scalerd-deployer', 'ClusterRoleBinding/scalerd-deployer', 'Deployment/scalerd-deployer', 'Deployment/scalerd-lb',
      'Service/scalerd-deployer', 'Service/scalerd-lb', 'ServiceAccount/scalerd-deployer',
    ]);
    for (const object of objects) {
      expect(validate(object, modelOf(object.apiVersion, object.kind)), `${object.kind}/${object.metadata.name}`).toEqual([]);
      if (!/^(Namespace|ClusterRole|ClusterRoleBinding)$/.test(object.kind)) expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe('scalerd');
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

  it('scalerd-lb: haproxy waits for lb-sync\'s config, then serves what etcd says', async () => {
    const pod = deployment('scalerd-lb').spec.template.spec;
    const haproxy = pod.containers.find((c) => c.name === 'haproxy')!;
    const sync = pod.containers.find((c) => c.name === 'lb-sync')!;
    // The pod's two volumes, as directories here; every path in the commands and variables moves with them.
    const dir = await tempDir('lb-pod');
    const volumes = new Map<string, string>();
    for (const mount of haproxy.volumeMounts!) {
      volumes.set(mount.mountPath, join(dir, mount.name));
      await mkdir(join(dir, mount.name));
    }
    const port = await freePort();
    const here = (text: string) => [...volumes].reduce((t, [from, to]) => t.split(from).join(to), text)
      // The pod listens on all its interfaces; the host must not.
      .replace('0.0.0.0:8000', `127.0.0.1:${port}`);

    // haproxy first: it must wait for the config rather than fail.
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
    const listed = await fetch(`${api}/deployments`, { headers: { authorization: 'Bearer a-token-from-the-secret' } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([]);
    // JSON logs, as SCALERD_DEPLOYER_LOG_FORMAT=json asks.
    expect(deployer.output().split('\n').filter((l) => l.trim() !== '').every((l) => JSON.parse(l) !== null)).toBe(true);
    deployer.child.kill('SIGTERM');
    expect(await deployer.exited, deployer.output()).toBe(0);
  }, 60_000);
});
