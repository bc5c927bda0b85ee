// The served OpenAPI documents: the v3 index and its hashed URLs, what kubectl reads in a
// group-version's document (the PATCH operation's fieldValidation parameter and GVK, the
// schemas' list extensions and descriptions), and v2 in JSON and protobuf.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { RESOURCES, apiVersionOf } from '../../../src/sim/kube/resources.js';

let sim: Sim;

beforeAll(async () => {
  sim = await startSim({ manualClock: true });
});

afterAll(async () => {
  await sim?.stop();
});

type Loose = Record<string, any>;
const get = (path: string, accept = 'application/json') => fetch(`${sim.server}${path}`, { headers: { Accept: accept }, redirect: 'manual' });

describe('/openapi/v3', () => {
  it('indexes one document per served group-version, each at a URL with its hash (a stale hash redirects)', async () => {
    const index = (await (await get('/openapi/v3')).json()) as { paths: Record<string, { serverRelativeURL: string }> };
    const expected = [...new Set(RESOURCES.map((r) => (r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`)))].sort();
    expect(Object.keys(index.paths).sort()).toEqual(expected);
    const url = index.paths['apis/apps/v1']!.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const answer = await get(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, immutable');
    expect(answer.headers.get('etag')).toBe(`"${url.split('=')[1]}"`);
    const stale = await get('/openapi/v3/apis/apps/v1?hash=0');
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(url);
    expect((await get('/openapi/v3/apis/nothing/v1')).status).toBe(404);
  });

  it('every served kind has a PATCH taking fieldValidation, with its GVK and the four patch types, and a schema with its GVK', async () => {
    const index = (await (await get('/openapi/v3')).json()) as { paths: Record<string, { serverRelativeURL: string }> };
    for (const type of RESOURCES) {
      const key = type.group === '' ? `api/${type.version}` : `apis/${type.group}/${type.version}`;
      const doc = (await (await get(index.paths[key]!.serverRelativeURL)).json()) as Loose;
      const gvk = { group: type.group, kind: type.kind, version: type.version };
      const patch = Object.values(doc.paths as Loose).map((p) => p.patch).find((op) => op && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
      expect(patch, `${apiVersionOf(type)} ${type.kind}`).toBeDefined();
      expect(patch.parameters.map((p: Loose) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'fieldManager', 'dryRun', 'force']));
      expect(Object.keys(patch.requestBody.content).sort()).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
      const schemas = Object.values(doc.components.schemas as Loose).filter((s) => (s['x-kubernetes-group-version-kind'] ?? []).some((g: Loose) => g.kind === type.kind && g.group === type.group));
      expect(schemas).toHaveLength(1);
    }
  });

  it('schemas carry the list extensions, descriptions and required fields', async () => {
    const doc = (await (await get('/openapi/v3/api/v1')).json()) as Loose;
    const schemas = doc.components.schemas as Loose;
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.containers).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
      'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge',
    });
    expect(schemas['io.k8s.api.core.v1.Container'].properties.ports).toMatchObject({ 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'], 'x-kubernetes-patch-merge-key': 'containerPort' });
    expect(schemas['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.volumes['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type']).toBe('atomic');
    expect(schemas['io.k8s.api.core.v1.Pod'].description).toMatch(/^Pod is a collection of containers/);
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.nodeName).toMatchObject({ type: 'string' });
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.terminationGracePeriodSeconds).toMatchObject({ type: 'integer', format: 'int64' });
    expect(schemas['io.k8s.api.core.v1.Container'].properties.imagePullPolicy.enum).toEqual(['Always', 'IfNotPresent', 'Never']);
  });
});

describe('/openapi/v2', () => {
  it('is JSON by default, and gnostic protobuf (with the dotted content type) when asked for it', async () => {
    const json = (await (await get('/openapi/v2')).json()) as Loose;
    expect(json.swagger).toBe('2.0');
    expect(json.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.replicas).toMatchObject({ type: 'integer', format: 'int32' });
    expect(json.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.template.$ref).toBe('#/definitions/io.k8s.api.core.v1.PodTemplateSpec');
    const proto = await get('/openapi/v2', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    expect(proto.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const bytes = Buffer.from(await proto.arrayBuffer());
    // Document.swagger (field 1, "2.0") first, then info (field 2) with its title.
    expect([...bytes.subarray(0, 5)]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]);
    expect(bytes.includes(Buffer.from('io.k8s.api.apps.v1.DeploymentSpec'))).toBe(true);
  });
});
