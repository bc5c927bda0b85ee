import { expect } from 'vitest';
// Shared set-up for the acceptance tests of real, independent clients against the whole
// simulator: kubectl (from PATH) and the AWS CLI v2 (/usr/bin/aws), each run with no user
// configuration, on loopback only. The simulator answers from this very process, so the
// clients run asynchronously (a synchronous spawn would block the server it waits for).

import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sim } from '../../../src/sim/index.js';
import { isPodReady } from '../../../src/sim/kube/pdb.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { SCENARIOS_DIR, checkScenarioText, loadScenarioFile } from '../../../src/sim/scenario/load.js';
import type { Scenario } from '../../../src/sim/scenario/types.js';

/** A fixed simulated start, so ages and timestamps are the same on every run. */
export const START = Date.parse('2026-03-02T09:00:00Z');

/** Debian's v2 CLI; a Python v1 `aws` may come first on PATH, so never rely on PATH. */
export const AWS_CLI = '/usr/bin/aws';

export type Run = { code: number; stdout: string; stderr: string };

/** Runs a program without blocking the event loop. Never rejects: a kill after `timeoutMs` is code -1. */
export function run(file: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: options.env, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const code = typeof error.code === 'number' ? error.code : -1;
      const killed = error.killed ? `\n[${file} killed after ${options.timeoutMs} ms]` : '';
      const failed = typeof error.code === 'string' ? `\n[${file}: ${error.message}]` : '';
      resolve({ code, stdout, stderr: `${stderr}${killed}${failed}` });
    });
  });
}

/** A client that keeps running (kubectl get --watch): what it printed so far, and a way to end it. */
export type Stream = { stdout(): string; stderr(): string; stop(): Promise<void> };

/** Starts a long-running program without blocking the event loop; stop() kills this one child and waits for it. */
function stream(file: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number }): Stream {
  const child = spawn(file, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.on('error', (error) => (stderr += `\n[${file}: ${error.message}]`));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** The kubectl on PATH; fails the test with what to install when there is none (these tests never skip). */
export function kubectlPath(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  throw new Error('kubectl is not on PATH: install kubectl v1.32 (https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl). CI installs it; these tests never skip.');
}

export type Clients = {
  /** kubectl against the simulator; global flags (kubeconfig, cache dir, --request-timeout=10s) are added. */
  kubectl(...args: string[]): Promise<Run>;
  /** kubectl left running (a watch), killed by stop() or after 30 s at the latest. */
  kubectlStream(...args: string[]): Stream;
  /** The AWS CLI v2 against the simulator's endpoint, with --region and --output json. */
  aws(...args: string[]): Promise<Run>;
  readonly dir: string;
  dispose(): Promise<void>;
};

/**
 * A temp HOME holding the simulator's kubeconfig and empty AWS config files, and runners for
 * both CLIs that see nothing of the user's environment but PATH.
 */
export async function clientsFor(sim: Sim): Promise<Clients> {
  const dir = await mkdtemp(join(tmpdir(), 'scalerd-clients-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, sim.kubeconfig, { mode: 0o600 });
  await writeFile(join(dir, 'aws-config'), '');
  await writeFile(join(dir, 'aws-credentials'), '');
  const kubectl = kubectlPath();
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const flags = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kube-cache')];
  return {
    dir,
    kubectl: (...args) => run(kubectl, [...flags, '--request-timeout=10s', ...args], { env: base, timeoutMs: 60_000 }),
    kubectlStream: (...args) => stream(kubectl, [...flags, ...args], { env: base, timeoutMs: 30_000 }),
    aws: (...args) => run(AWS_CLI, [...args, '--endpoint-url', sim.awsEndpoint, '--region', sim.region, '--output', 'json'], {
      env: {
        ...base,
        AWS_ACCESS_KEY_ID: sim.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sim.credentials.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dir, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
        AWS_PAGER: '',
      },
      timeoutMs: 25_000,
    }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs a script with the official Python client (Debian's python3-kubernetes, under
 * /usr/bin/python3, not a pyenv python on PATH) configured for the simulator, with
 * `json`, `kubernetes`, `ApiException`, `apps` and `core` at hand; its stdout parsed as
 * JSON. Asynchronous: the simulator it talks to answers from this process.
 */
export async function runPython(c: Clients, script: string, timeoutMs = 30_000): Promise<any> {
  const kubeconfig = join(c.dir, 'kubeconfig');
  const prelude = `import json, kubernetes\nfrom kubernetes.client.rest import ApiException\nkubernetes.config.load_kube_config(${JSON.stringify(kubeconfig)})\napps = kubernetes.client.AppsV1Api()\ncore = kubernetes.client.CoreV1Api()\n`;
  const out = await run('/usr/bin/python3', ['-c', prelude + script], { env: { PATH: '/usr/bin:/bin', HOME: c.dir }, timeoutMs });
  if (out.code !== 0) throw new Error(`python3 failed (is python3-kubernetes installed? apt-get install python3-kubernetes): ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** Throws, with what to install, unless kubectl is v1.32 (the version these tests were written against). */
export async function requireKubectl132(): Promise<void> {
  const out = await run(kubectlPath(), ['version', '--client', '-o', 'json'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() }, timeoutMs: 15_000 });
  const version = out.code === 0 ? (JSON.parse(out.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion : undefined;
  if (!version?.startsWith('v1.32.')) {
    throw new Error(`kubectl on PATH is ${version ?? `unusable (${out.stderr.trim()})`}, these tests need v1.32: install it from https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl. They never skip.`);
  }
}

/** Throws, with what to install, unless /usr/bin/aws is the v2 CLI. */
export async function requireAwsCliV2(): Promise<void> {
  try {
    accessSync(AWS_CLI, constants.X_OK);
  } catch {
    throw new Error(`The AWS CLI v2 is missing at ${AWS_CLI}: install the Debian package awscli (apt-get install awscli). CI installs it; these tests never skip.`);
  }
  const out = await run(AWS_CLI, ['--version'], { env: { PATH: '/usr/bin:/bin', HOME: tmpdir() }, timeoutMs: 15_000 });
  const version = `${out.stdout}${out.stderr}`.trim();
  if (!/^aws-cli\/2\./.test(version)) {
    throw new Error(`${AWS_CLI} is not the AWS CLI v2 (it says "${version}"): install the Debian package awscli. These tests never skip.`);
  }
}

/** Polls `probe` (real time) until it returns something truthy, and returns that; throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | null | false, options: { timeoutMs: number; what: string; intervalMs?: number }): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** A scenario shipped in scenarios/, through the real loader. */
export async function shippedScenario(name: string): Promise<Scenario> {
  const result = await loadScenarioFile(fileURLToPath(new URL(`${name}.json`, SCENARIOS_DIR)));
  if (!result.ok) throw new Error(`scenarios/${name}.json does not load: ${JSON.stringify(result.diagnostics)}`);
  return result.scenario;
}

/** A scenario written in a test, checked by the same schema and rules as a file. */
export function checkedScenario(scenario: Scenario): Scenario {
  const result = checkScenarioText(JSON.stringify(scenario, null, 2), `${scenario.name}.json`);
  if (!result.ok) throw new Error(`scenario ${scenario.name} is invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.scenario;
}

/** Splits kubectl's column output into rows of cells (cells are separated by at least two spaces). */
export function table(text: string): string[][] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => line.trim().split(/\s{2,}/));
}

/** The rows of kubectl describe's Events section (Type, Reason, Age, From, Message), without its header. */
export function describedEvents(text: string): string[][] {
  const section = text.slice(text.indexOf('\nEvents:'));
  return table(section).slice(3);
}

// Reading the simulated cluster's state directly, for what a client's output is checked against.

export const podsOn = (sim: Sim, node: string): KubeObject[] => sim.store.byIndex('pods', 'byNode', node);

export const ownerKind = (pod: KubeObject): string | undefined => pod.metadata.ownerReferences?.find((o) => o.controller)?.kind;

export const isDaemonSetPod = (pod: KubeObject): boolean => ownerKind(pod) === 'DaemonSet';

/** Running, Ready and not being deleted. */
export const isServing = (pod: KubeObject): boolean =>
  (pod.status as { phase?: string } | undefined)?.phase === 'Running' && isPodReady(pod) && !pod.metadata.deletionTimestamp;

export const nodeOf = (pod: KubeObject): string | undefined => (pod.spec as { nodeName?: string } | undefined)?.nodeName;

/** Pods with an `app` label, by namespace. */
export const podsOfApp = (sim: Sim, namespace: string, app: string): KubeObject[] =>
  sim.store.list('pods', namespace).filter((p) => p.metadata.labels?.app === app);

/** kubectl's output when it succeeds: exit 0, nothing on stderr. */
export async function kubectlOk(c: Clients, ...args: string[]): Promise<string> {
  const out = await c.kubectl(...args);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return out.stdout;
}
