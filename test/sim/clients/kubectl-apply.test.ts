// kubectl v1.32 applying, creating, editing and explaining against the simulated API
// server with validation on (no --validate=false: kubectl reads the served OpenAPI), and
// server-side apply with two field managers; the official Python client applying as
// Argo CD's controller would. scenarios/small.json, manual clock.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { type Clients, START, clientsFor, kubectlPath, requireKubectl132, run, runPython, shippedScenario } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(requireKubectl132);

beforeEach(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  c = await clientsFor(sim);
});

afterEach(async () => {
  await sim?.stop();
  await c?.dispose();
});

type Loose = Record<string, any>;

const stored = (name: string) => sim.store.get('deployments.apps', 'shop', name) as (KubeObject & { spec: Loose }) | undefined;
const managers = (o: KubeObject | undefined) => ((o?.metadata.managedFields ?? []) as Loose[]).map((e) => `${e.manager}/${e.operation}`).sort();

function manifest(name: string, replicas: number, env: Loose[]): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        env: ${JSON.stringify(env)}
`;
}

async function file(name: string, text: string): Promise<string> {
  const path = join(c.dir, name);
  await writeFile(path, text);
  return path;
}

const CONFLICT_ADVICE = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

describe('kubectl apply -f, validation on', () => {
  it('creates, changes, and removes a field dropped from the manifest (client-side apply, strategic merge patches)', async () => {
    const v1 = await file('v1.yaml', manifest('demo', 2, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    expect(await c.kubectl('apply', '-f', v1)).toEqual({ code: 0, stdout: 'deployment.apps/demo created\n', stderr: '' });
    expect(stored('demo')!.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":2');
    expect(managers(stored('demo'))).toEqual(['kubectl-client-side-apply/Update']);

    // A sidecar another hand added stays through later applies: kubectl's patches name
    // containers by their merge key (from the served OpenAPI), never replacing the list.
    const sidecar = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy:1' }] } } } });
    expect((await c.kubectl('patch', 'deployment', 'demo', '-n', 'shop', '-p', sidecar)).code).toBe(0);

    // 3 replicas, B dropped, C added: kubectl's three-way patch deletes B by its merge key.
    const v2 = await file('v2.yaml', manifest('demo', 3, [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]));
    expect(await c.kubectl('apply', '-f', v2)).toEqual({ code: 0, stdout: 'deployment.apps/demo configured\n', stderr: '' });
    expect(stored('demo')!.spec.replicas).toBe(3);
    expect(stored('demo')!.spec.template.spec.containers.map((x: Loose) => x.name)).toEqual(['web', 'sidecar']);
    expect(stored('demo')!.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'C', value: '3' }]);
    expect(managers(stored('demo'))).toEqual(['kubectl-client-side-apply/Update', 'kubectl-patch/Update']);

    // minReadySeconds applied, then dropped from the manifest: kubectl's patch removes it.
    const v3 = await file('v3.yaml', manifest('demo', 3, [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]).replace('  replicas: 3\n', '  replicas: 3\n  minReadySeconds: 5\n'));
    expect((await c.kubectl('apply', '-f', v3)).code).toBe(0);
    expect(stored('demo')!.spec.minReadySeconds).toBe(5);
    expect((await c.kubectl('apply', '-f', v2)).stdout).toBe('deployment.apps/demo configured\n');
    expect(stored('demo')!.spec.minReadySeconds).toBeUndefined();
    // Again: kubectl still sends a patch (only $setElementOrder/containers, as the sidecar is
    // not in the manifest), so it says "configured", but nothing changes: no new version.
    const rv = stored('demo')!.metadata.resourceVersion;
    expect(await c.kubectl('apply', '-f', v2)).toEqual({ code: 0, stdout: 'deployment.apps/demo configured\n', stderr: '' });
    expect(stored('demo')!.metadata.resourceVersion).toBe(rv);
  });

  it('an unknown field is refused by the server (kubectl asks for fieldValidation=Strict once the OpenAPI says it may)', async () => {
    const bad = await file('bad.yaml', manifest('bad', 1, []).replace('  replicas: 1\n', '  replicas: 1\n  colour: red\n'));
    expect(await c.kubectl('apply', '-f', bad)).toEqual({
      code: 1, stdout: '',
      stderr: `Error from server (BadRequest): error when creating "${bad}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.colour"\n`,
    });
    expect(stored('bad')).toBeUndefined();
  });

  it('kubectl create -f', async () => {
    const path = await file('c.yaml', manifest('made', 1, []));
    expect(await c.kubectl('create', '-f', path)).toEqual({ code: 0, stdout: 'deployment.apps/made created\n', stderr: '' });
    expect(managers(stored('made'))).toEqual(['kubectl-create/Update']);
  });
});

describe('kubectl apply --server-side', () => {
  it('two field managers: the second conflicts on spec.replicas as kubectl prints it; --force-conflicts takes it; both show in the managed fields', async () => {
    const mine = await file('mine.yaml', manifest('ssa', 2, [{ name: 'A', value: '1' }]));
    expect(await c.kubectl('apply', '--server-side', '-f', mine)).toEqual({ code: 0, stdout: 'deployment.apps/ssa serverside-applied\n', stderr: '' });
    expect(managers(stored('ssa'))).toEqual(['kubectl/Apply']);

    const theirs = await file('theirs.yaml', manifest('ssa', 5, [{ name: 'A', value: '1' }]));
    expect(await c.kubectl('apply', '--server-side', '--field-manager=argocd-controller', '-f', theirs)).toEqual({
      code: 1, stdout: '',
      stderr: `error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas\n${CONFLICT_ADVICE}`,
    });
    expect(stored('ssa')!.spec.replicas).toBe(2);

    expect(await c.kubectl('apply', '--server-side', '--field-manager=argocd-controller', '--force-conflicts', '-f', theirs)).toEqual({ code: 0, stdout: 'deployment.apps/ssa serverside-applied\n', stderr: '' });
    expect(stored('ssa')!.spec.replicas).toBe(5);

    const shown = await c.kubectl('get', 'deployment', 'ssa', '-n', 'shop', '-o', 'yaml', '--show-managed-fields');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('    manager: argocd-controller\n    operation: Apply\n');
    expect(shown.stdout).toContain('    manager: kubectl\n    operation: Apply\n');
    const entries = (stored('ssa')!.metadata.managedFields ?? []) as Loose[];
    const owner = entries.filter((e) => e.fieldsV1?.['f:spec']?.['f:replicas']).map((e) => e.manager);
    expect(owner).toEqual(['argocd-controller']);
    // Without the flag, kubectl hides them.
    expect((await c.kubectl('get', 'deployment', 'ssa', '-n', 'shop', '-o', 'yaml')).stdout).not.toContain('managedFields');
  });

  it('after a client-side apply, a server-side apply of another replica count conflicts with "kubectl-client-side-apply" using apps/v1', async () => {
    const path = await file('csa.yaml', manifest('mixed', 2, []));
    expect((await c.kubectl('apply', '-f', path)).code).toBe(0);
    const ssa = await file('ssa.yaml', manifest('mixed', 4, []));
    expect(await c.kubectl('apply', '--server-side', '-f', ssa)).toEqual({
      code: 1, stdout: '',
      stderr: `error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas\n${CONFLICT_ADVICE}`,
    });
  });
});

describe('kubectl explain and edit', () => {
  it('explain deployment.spec.replicas prints its description from the served OpenAPI v3 (and v2)', async () => {
    expect(await c.kubectl('explain', 'deployment.spec.replicas')).toEqual({
      code: 0,
      stdout: 'GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n\n\nDESCRIPTION:\n    Number of desired pods. This is a pointer to distinguish between explicit\n    zero and not specified. Defaults to 1.\n    \n\n',
      stderr: '',
    });
    const v2 = await c.kubectl('explain', 'pods.spec.containers.ports', '--output=plaintext-openapiv2');
    expect(v2.code).toBe(0);
    expect(v2.stdout).toContain('containerPort\t<integer> -required-');
  });

  it('edit with KUBE_EDITOR: the saved change is patched in, as "kubectl-edit"', async () => {
    const path = await file('e.yaml', manifest('edited', 2, []));
    expect((await c.kubectl('apply', '-f', path)).code).toBe(0);
    const editor = await file('editor.sh', '#!/bin/sh\nsed -i "s/replicas: 2/replicas: 6/" "$1"\n');
    await run('/bin/chmod', ['+x', editor], { env: {}, timeoutMs: 5_000 });
    const flags = ['--kubeconfig', join(c.dir, 'kubeconfig'), '--cache-dir', join(c.dir, 'kube-cache'), '--request-timeout=10s'];
    const out = await run(kubectlPath(), [...flags, 'edit', 'deployment', 'edited', '-n', 'shop'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.dir, KUBE_EDITOR: editor }, timeoutMs: 60_000,
    });
    expect(out).toEqual({ code: 0, stdout: 'deployment.apps/edited edited\n', stderr: '' });
    expect(stored('edited')!.spec.replicas).toBe(6);
    expect(managers(stored('edited'))).toEqual(['kubectl-client-side-apply/Update', 'kubectl-edit/Update']);
  });
});

describe('the official Python client', () => {
  it('a server-side apply as argocd-controller, then reading who manages spec.replicas', async () => {
    // python3-kubernetes 22.6 has no _content_type argument: the typed API sends the apply
    // content type when the client's default Content-Type says so, with the body as text.
    const out = await runPython(c, `
client = kubernetes.client.ApiClient()
client.set_default_header('Content-Type', 'application/apply-patch+yaml')
typed = kubernetes.client.AppsV1Api(client)
body = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web', 'namespace': 'shop'}, 'spec': {'replicas': 4}}
applied = typed.patch_namespaced_deployment('web', 'shop', json.dumps(body), field_manager='argocd-controller')
conflict = None
try:
    typed.patch_namespaced_deployment('web', 'shop', json.dumps({**body, 'spec': {'replicas': 6}}), field_manager='someone-else')
except ApiException as e:
    conflict = {'status': e.status, 'body': json.loads(e.body)}
read = apps.read_namespaced_deployment('web', 'shop')
print(json.dumps({
    'replicas': applied.spec.replicas,
    'managers': [{'manager': m.manager, 'operation': m.operation, 'fields': m.fields_v1} for m in read.metadata.managed_fields],
    'conflict': conflict,
}))
`);
    expect(out.replicas).toBe(4);
    expect(out.managers).toEqual([{ manager: 'argocd-controller', operation: 'Apply', fields: { 'f:spec': { 'f:replicas': {} } } }]);
    expect(out.conflict.status).toBe(409);
    expect(out.conflict.body).toMatchObject({
      reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "argocd-controller": .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "argocd-controller"', field: '.spec.replicas' }] },
    });
    expect(stored('web')!.spec.replicas).toBe(4);
  });
});
