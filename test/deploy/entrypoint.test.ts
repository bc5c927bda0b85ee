// The image's command line (ENTRYPOINT + CMD from the Dockerfile) and the environment the
// Deployment gives it, run on the host against the simulated cluster. What differs from
// the container, and why: tini is left out (the image's PID 1; on the host the test is
// the parent), /app is this checkout (hostCommand), the schedule file is the rendered ConfigMap's
// content written where the volume would mount it, the Kubernetes and AWS endpoints are
// the simulator's (the pod would use its service account and AWS's endpoints), and the
// port is loopback's (the pod listens on all its interfaces; the host must not).

import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim } from '../daemon/helpers.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { hostCommand } from './dockerfile.js';
import { ROOT, only, render } from './render.js';

type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } };
type Line = Record<string, unknown> & { event?: string };

const POD = { 'metadata.name': 'scalerd-5c9d8f7b6-x2x7q', 'metadata.namespace': 'scalerd' } as Record<string, string>;

/** The container's AWS key: registered with the simulator, which refuses any other. */
const KEY = { accessKeyId: 'AKIDENTRYPOINTTEST', secretAccessKey: 'test' } as const;

let sim: Sim | undefined;
afterAll(async () => sim?.stop());

describe('the container\'s command line, on the host', () => {
  it('starts from SCALERD_* variables alone, leads, reconciles, and exits 0 on SIGTERM', async () => {
    const argv = hostCommand();
    expect(argv).toEqual(['node', `${ROOT}/dist/cli/main.js`, 'run']);

    const objects = await render();
    const container = (only(objects, 'Deployment') as unknown as { spec: { template: { spec: { containers: { env: EnvVar[] }[] } } } }).spec.template.spec.containers[0]!;
    const schedule = only(objects, 'ConfigMap') as unknown as { data: Record<string, string> };
    const env: Record<string, string> = {};
    for (const variable of container.env) {
      const field = variable.valueFrom?.fieldRef?.fieldPath;
      env[variable.name] = field !== undefined ? POD[field]! : variable.value!;
    }
    const mounted = join(await mkdtemp(join(tmpdir(), 'scalerd-entrypoint-')), 'schedule.json');
    await writeFile(mounted, schedule.data['schedule.json']!);
    expect(env.SCALERD_SCHEDULE).toBe('/etc/scalerd/schedule.json');

    sim = await startDemoSim({ speed: 1, awsCredentials: [KEY] });
    const child = spawn(argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '', HOME: tmpdir(),
        ...env,
        SCALERD_SCHEDULE: mounted,
        SCALERD_LISTEN: '127.0.0.1:0',
        SCALERD_KUBECONFIG: kubeconfigFile(sim),
        SCALERD_AWS_ENDPOINT: sim.awsEndpoint,
        AWS_REGION: sim.region,
        AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      },
    });
    const lines: Line[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    createInterface({ input: child.stdout }).on('line', (text) => lines.push(JSON.parse(text) as Line));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const seen = async (...events: string[]) => {
      const deadline = Date.now() + 20_000;
      const match = (l: Line) => events.includes(l.event ?? '');
      while (!lines.some(match)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${events.join(' or ')} line; stderr: ${stderr}; lines: ${JSON.stringify(lines.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return lines.find(match)!;
    };

    try {
      const { port } = await seen('listening');
      await seen('leader-started');
      // The schedule runs on the wall clock here, so what the first reconcile finds to do
      // depends on the hour: done at once (day: logged at debug only) or a scale-down started
      // (night), whose drains at real speed may outlast the wait. /status says either way: the
      // last reconcile ended, or a plan is under way.
      const deadline = Date.now() + 20_000;
      const reconciled = (s: { last: unknown; plan: unknown }) => s.last !== null || s.plan !== null;
      while (!reconciled((await (await fetch(`http://127.0.0.1:${String(port)}/status`)).json()) as { last: unknown; plan: unknown })) {
        if (Date.now() > deadline) throw new Error(`no reconcile; stderr: ${stderr}; lines: ${JSON.stringify(lines.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // JSON logs, as SCALERD_LOG_FORMAT=json asks (the pod's output is no terminal either).
      expect(lines.every((l) => typeof l.time === 'string' && typeof l.msg === 'string' && l.app === 'scalerd')).toBe(true);
      const status = (await (await fetch(`http://127.0.0.1:${String(port)}/status`)).json()) as { role: string; identity: string; last: unknown };
      // The identity is the pod's name, from the downward API variable.
      expect(status).toMatchObject({ role: 'leader', identity: POD['metadata.name'] });
      // Ready once a reconcile has ended; a night's first scale-down may still be draining.
      const readyz = await fetch(`http://127.0.0.1:${String(port)}/readyz`);
      if (status.last !== null) expect(readyz.status).toBe(200);
      else expect([readyz.status, await readyz.text()]).toEqual([503, 'not ready: no reconcile yet\n']);
      // Its Lease is in its namespace, from SCALERD_NAMESPACE.
      expect(sim.store.get('leases.coordination.k8s.io', 'scalerd', 'scalerd')).toBeDefined();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
