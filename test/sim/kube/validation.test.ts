// Writes the API server refuses, refused by the simulated one with the same status and
// words (issue 15: each leniency found), and dryRun=All answering without changing anything.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import type { KubeObject, StoreEvent } from '../../../src/sim/kube/store.js';
import { writeOptions } from '../../../src/sim/kube/validation/index.js';
import { at, pdb, runningPod, world } from './fixtures.js';

const refusal = (fn: () => unknown): Record<string, any> => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.toStatus();
    throw error;
  }
  throw new Error('the write was accepted');
};

const deployments = at('apps', 'v1', 'deployments', 'shop');
const web = at('apps', 'v1', 'deployments', 'shop', 'web');
const spec = { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } };
const deployment = (changes: Record<string, unknown> = {}, name = 'web') => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { ...spec, ...changes } });

describe('refused on write, as the API server refuses it', () => {
  it('replicas: "three" does not decode: 400 in encoding/json\'s words, nothing stored', () => {
    const w = world();
    expect(refusal(() => w.api.create(deployments, deployment({ replicas: 'three' }), 't'))).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400,
      message: 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    });
    expect(w.store.count('deployments.apps')).toBe(0);
  });

  it('names the Go struct and type of a nested field, a list and an object', () => {
    const w = world();
    const withContainer = (container: Record<string, unknown>) => deployment({ template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'x', ...container }] } } });
    expect(refusal(() => w.api.create(deployments, withContainer({ env: [{ name: 'A', value: 1 }] }), 't')).message)
      .toBe('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string');
    expect(refusal(() => w.api.create(deployments, deployment({ strategy: 'fast' }), 't')).message).toMatch(/Go struct field DeploymentSpec\.spec\.strategy of type v1\.DeploymentStrategy$/);
    expect(refusal(() => w.api.create(deployments, deployment({ template: { spec: { containers: 'c' } } }), 't')).message).toMatch(/Go struct field PodSpec\.spec\.template\.spec\.containers of type \[\]v1\.Container$/);
    expect(refusal(() => w.api.create(deployments, withContainer({ resources: { requests: { cpu: 'lots' } } }), 't')))
      .toMatchObject({ code: 400, message: expect.stringMatching(/cannot be handled as a Deployment: quantities must match the regular expression/) });
  });

  it('replicas: -1 is 422 Invalid with a FieldValueInvalid cause on spec.replicas', () => {
    const w = world();
    expect(refusal(() => w.api.create(deployments, deployment({ replicas: -1 }), 't'))).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422,
      message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      details: { name: 'web', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }] },
    });
  });

  it('a Deployment without selector or template: FieldValueRequired, each cause once', () => {
    const w = world();
    const status = refusal(() => w.api.create(deployments, { metadata: { name: 'web' }, spec: { replicas: 1 } }, 't'));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid', details: { kind: 'Deployment', group: 'apps', name: 'web' } });
    expect(status.details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string(nil): `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' },
    ]);
    expect(status.message).toBe('Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`, spec.template.spec.containers: Required value]');
  });

  it('a selector that does not select the template\'s labels', () => {
    const w = world();
    expect(refusal(() => w.api.create(deployments, deployment({ selector: { matchLabels: { app: 'other' } } }), 't')).message)
      .toBe('Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`');
  });

  it('a Pod without containers, and a container without an image', () => {
    const w = world();
    const pods = at('', 'v1', 'pods', 'shop');
    expect(refusal(() => w.api.create(pods, { metadata: { name: 'p' }, spec: {} }, 't'))).toMatchObject({
      code: 422, message: 'Pod "p" is invalid: spec.containers: Required value',
      details: { kind: 'Pod', group: '', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }] },
    });
    expect(refusal(() => w.api.create(pods, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }, 't')).message).toBe('Pod "p" is invalid: spec.containers[0].image: Required value');
  });

  it('an Event without involvedObject', () => {
    const w = world();
    expect(refusal(() => w.api.create(at('', 'v1', 'events', 'shop'), { metadata: { name: 'e' }, reason: 'Started', message: 'x' }, 't'))).toMatchObject({
      code: 422, message: 'Event "e" is invalid: involvedObject: Required value',
      details: { causes: [{ reason: 'FieldValueRequired', field: 'involvedObject' }] },
    });
  });

  it('a changed Deployment selector is immutable, by update and by patch; a PDB\'s selector may change', () => {
    const w = world();
    const created = w.api.create(deployments, deployment(), 't') as KubeObject;
    const moved = { selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: spec.template.spec } };
    const message = 'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"shop"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable';
    expect(refusal(() => w.api.update(web, { ...created, spec: { ...spec, ...moved } }, 't'))).toMatchObject({ code: 422, message, details: { causes: [{ reason: 'FieldValueInvalid', field: 'spec.selector' }] } });
    expect(refusal(() => w.api.patch(web, 'application/merge-patch+json', { spec: moved }, 't')).message).toBe(message);
    expect(w.store.get('deployments.apps', 'shop', 'web')!.metadata.resourceVersion).toBe(created.metadata.resourceVersion);

    const budgets = at('policy', 'v1', 'poddisruptionbudgets', 'shop');
    w.api.create(budgets, { metadata: { name: 'b' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }, 't');
    w.api.patch(at('policy', 'v1', 'poddisruptionbudgets', 'shop', 'b'), 'application/merge-patch+json', { spec: { selector: { matchLabels: { app: 'shop' } } } }, 't');
    expect(w.store.get('poddisruptionbudgets.policy', 'shop', 'b')!.spec).toMatchObject({ selector: { matchLabels: { app: 'shop' } } });
  });

  it('a StatefulSet allows changes to a few spec fields only', () => {
    const w = world();
    const sts = { metadata: { name: 'db' }, spec: { ...spec, serviceName: 'db' } };
    w.api.create(at('apps', 'v1', 'statefulsets', 'shop'), sts, 't');
    const route = at('apps', 'v1', 'statefulsets', 'shop', 'db');
    w.api.patch(route, 'application/merge-patch+json', { spec: { replicas: 4 } }, 't');
    expect(refusal(() => w.api.patch(route, 'application/merge-patch+json', { spec: { serviceName: 'other' } }, 't')).message)
      .toBe('StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden');
  });

  it('a PodDisruptionBudget with both minAvailable and maxUnavailable', () => {
    const w = world();
    const status = refusal(() => w.api.create(at('policy', 'v1', 'poddisruptionbudgets', 'shop'), { metadata: { name: 'b' }, spec: { minAvailable: 1, maxUnavailable: '50%' } }, 't'));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid', details: { kind: 'PodDisruptionBudget', group: 'policy', causes: [{ reason: 'FieldValueInvalid', field: 'spec' }] } });
    expect(status.message).toMatch(/^PodDisruptionBudget\.policy "b" is invalid: spec: Invalid value: policy\.PodDisruptionBudgetSpec\{.*\}: minAvailable and maxUnavailable cannot be both set$/);
  });

  it('invalid label keys and values, annotation keys, and names per kind', () => {
    const w = world();
    const configmaps = at('', 'v1', 'configmaps', 'shop');
    expect(refusal(() => w.api.create(configmaps, { metadata: { name: 'c', labels: { 'bad key': 'v' } } }, 't')).message)
      .toBe('ConfigMap "c" is invalid: metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')');
    expect(refusal(() => w.api.create(configmaps, { metadata: { name: 'c', labels: { app: 'no way' } } }, 't')).details.causes).toEqual([
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: expect.stringMatching(/^Invalid value: "no way": a valid label must be an empty string/) }),
    ]);
    expect(refusal(() => w.api.create(configmaps, { metadata: { name: 'c', annotations: { '/x': 'v' } } }, 't')).details.causes[0])
      .toEqual({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: 'Invalid value: "/x": prefix part must be non-empty' });
    expect(refusal(() => w.api.create(configmaps, { metadata: { name: 'Bad_Name' } }, 't')).message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
    // A Service's name is a DNS-1035 label: no leading digit, no dot.
    expect(refusal(() => w.api.create(at('', 'v1', 'services', 'shop'), { metadata: { name: '1web' }, spec: {} }, 't')).message).toMatch(/metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of/);
    w.api.create(configmaps, { metadata: { name: 'web.config', labels: { 'example.com/tier': 'front_end.1' } } }, 't');
  });

  it('unknown fields: warned of by default and dropped, refused with fieldValidation=Strict, dropped silently with Ignore', () => {
    const w = world();
    const warnings: string[] = [];
    const body = deployment({ foo: 1, template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'x', colour: 'red' }] } } });
    w.api.create(deployments, body, 't', { warnings });
    // In the body's order: template comes before foo (it was in spec first).
    expect(warnings).toEqual(['unknown field "spec.template.spec.containers[0].colour"', 'unknown field "spec.foo"']);
    expect(w.store.get('deployments.apps', 'shop', 'web')!.spec).not.toHaveProperty('foo');

    expect(refusal(() => w.api.create(deployments, { ...body, metadata: { name: 'web2' } }, 't', { fieldValidation: 'Strict' }))).toMatchObject({
      code: 400, reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].colour", unknown field "spec.foo"',
    });
    const ignored: string[] = [];
    w.api.create(deployments, { ...body, metadata: { name: 'web3' } }, 't', { fieldValidation: 'Ignore', warnings: ignored });
    expect(ignored).toEqual([]);
    // A map's keys (labels) and free-form fields are no unknown fields.
    w.api.create(deployments, deployment({ template: { metadata: { labels: { app: 'web', anything: 'goes' } }, spec: spec.template.spec } }, 'web4'), 't', { fieldValidation: 'Strict' });
  });

  it('a non-numeric resourceVersion precondition fails as etcd\'s versioner fails it: 500, no reason', () => {
    const w = world();
    w.api.create(deployments, deployment(), 't');
    expect(refusal(() => w.api.patch(web, 'application/merge-patch+json', { metadata: { resourceVersion: 'latest' }, spec: { replicas: 3 } }, 't'))).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, message: 'strconv.ParseUint: parsing "latest": invalid syntax',
    });
    expect(w.store.get('deployments.apps', 'shop', 'web')!.spec).toMatchObject({ replicas: 2 });
  });

  it('an eviction whose name differs from the URL\'s, or whose namespace does', () => {
    const w = world();
    runningPod(w.store, 'web-a', { app: 'web' });
    const eviction = at('', 'v1', 'pods', 'shop', 'web-a', 'eviction');
    expect(refusal(() => w.api.create(eviction, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-b', namespace: 'shop' } }, 't')))
      .toMatchObject({ code: 400, reason: 'BadRequest', message: 'name in URL does not match name in Eviction object' });
    expect(refusal(() => w.api.create(eviction, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-a', namespace: 'default' } }, 't')))
      .toMatchObject({ code: 400, message: 'the namespace of the provided object does not match the namespace sent on the request' });
    expect(w.store.get('pods', 'shop', 'web-a')).toBeDefined();
    expect(w.recorder.facts('eviction')).toEqual([]);
  });

  it('other dryRun values, and unknown fieldValidation values, are the 422 of the options kind', () => {
    expect(refusal(() => writeOptions('CreateOptions', ['Some'], null))).toMatchObject({
      code: 422, reason: 'Invalid', message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"',
      details: { kind: 'CreateOptions', group: 'meta.k8s.io', name: '', causes: [{ reason: 'FieldValueNotSupported', field: 'dryRun' }] },
    });
    expect(refusal(() => writeOptions('PatchOptions', [], 'Loud')).message)
      .toBe('PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"');
    expect(writeOptions('UpdateOptions', [], null)).toEqual({ dryRun: false, fieldValidation: 'Warn' });
    expect(writeOptions('DeleteOptions', ['All'], null)).toMatchObject({ dryRun: true });
  });
});

describe('dryRun=All: validated, answered as if done, nothing changes', () => {
  /** Runs `fn` and says what it changed: store events, resourceVersion, mutations recorded. */
  function unchanged(w: ReturnType<typeof world>, fn: () => unknown): unknown {
    const events: StoreEvent[] = [];
    const unsubscribe = w.store.subscribe((e) => events.push(e));
    const rv = w.store.resourceVersion;
    const mutations = w.recorder.facts('mutation').length;
    const result = fn();
    unsubscribe();
    expect(events).toEqual([]);
    expect(w.store.resourceVersion).toBe(rv);
    expect(w.recorder.facts('mutation')).toHaveLength(mutations);
    return result;
  }

  it('create answers the object with a generated name and uid, stores nothing; an invalid one is still refused', () => {
    const w = world();
    const answer = unchanged(w, () => w.api.create(deployments, { ...deployment(), metadata: { generateName: 'web-' } }, 't', { dryRun: true })) as KubeObject;
    expect(answer.metadata).toMatchObject({ name: expect.stringMatching(/^web-[a-z0-9]{5}$/), uid: expect.any(String), generation: 1 });
    expect(answer.metadata.resourceVersion).toBeUndefined();
    expect(answer.spec).toMatchObject({ replicas: 2, revisionHistoryLimit: 10 });
    expect(w.store.count('deployments.apps')).toBe(0);
    expect(refusal(() => w.api.create(deployments, deployment({ replicas: -1 }), 't', { dryRun: true })).code).toBe(422);
  });

  it('update, patch and scale answer the object as it would be', () => {
    const w = world();
    const created = w.api.create(deployments, deployment(), 't') as KubeObject;
    const updated = unchanged(w, () => w.api.update(web, { ...created, spec: { ...spec, replicas: 7 } }, 't', { dryRun: true })) as KubeObject;
    expect(updated.spec).toMatchObject({ replicas: 7 });
    expect(updated.metadata).toMatchObject({ resourceVersion: created.metadata.resourceVersion, generation: 2 });
    const patched = unchanged(w, () => w.api.patch(web, 'application/merge-patch+json', { spec: { replicas: 9 } }, 't', { dryRun: true })) as KubeObject;
    expect(patched.spec).toMatchObject({ replicas: 9 });
    const scale = unchanged(w, () => w.api.patch(at('apps', 'v1', 'deployments', 'shop', 'web', 'scale'), 'application/merge-patch+json', { spec: { replicas: 5 } }, 't', { dryRun: true }));
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    expect(w.store.get('deployments.apps', 'shop', 'web')!.spec).toMatchObject({ replicas: 2 });
  });

  it('delete answers a running pod as it would be, terminating, and leaves it running', () => {
    const w = world();
    runningPod(w.store, 'web-a', { app: 'web' });
    const answer = unchanged(w, () => w.api.delete(at('', 'v1', 'pods', 'shop', 'web-a'), { dryRun: ['All'] }, 't')) as KubeObject;
    expect(answer.metadata.deletionTimestamp).toBeDefined();
    expect(w.store.get('pods', 'shop', 'web-a')!.metadata.deletionTimestamp).toBeUndefined();
    w.api.create(at('', 'v1', 'configmaps', 'shop'), { metadata: { name: 'c' } }, 't');
    unchanged(w, () => w.api.delete(at('', 'v1', 'configmaps', 'shop', 'c'), { dryRun: ['All'] }, 't'));
    unchanged(w, () => w.api.delete(at('', 'v1', 'namespaces', undefined, 'shop'), { dryRun: ['All'] }, 't'));
    expect(w.store.get('configmaps', 'shop', 'c')).toBeDefined();
    expect(w.store.get('namespaces', undefined, 'shop')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('an eviction checks the budget, and evicts, charges and records nothing', () => {
    const w = world();
    runningPod(w.store, 'web-a', { app: 'web' });
    runningPod(w.store, 'web-b', { app: 'web' });
    pdb(w.store, 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    const evict = (name: string, body: Record<string, unknown> = {}) => () => w.api.create(at('', 'v1', 'pods', 'shop', name, 'eviction'), { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'shop' }, ...body }, 't', { dryRun: true });
    expect(unchanged(w, evict('web-a'))).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(w.store.get('pods', 'shop', 'web-a')!.metadata.deletionTimestamp).toBeUndefined();
    expect(w.recorder.facts('eviction')).toEqual([]);
    // The budget is still checked: one unready pod and maxUnavailable 1 allow no more.
    w.store.mutate('pods', 'shop', 'web-b', (p) => { p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }; });
    expect(refusal(evict('web-a')).code).toBe(429);
  });
});
