// A version's Deployment and Service from a descriptor: the fields that matter, asserted
// one by one, and for any valid descriptor names and labels Kubernetes accepts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Descriptor, MAX_VERSION, checkDescriptorText, loadDescriptorFile } from '../../../src/deployer/descriptor/index.js';
import { manifestHash, versionManifests } from '../../../src/deployer/manifests/index.js';
import { MANIFEST_HASH_ANNOTATION } from '../../../src/ports/deployer.js';

async function full(): Promise<Descriptor> {
  const result = await loadDescriptorFile(new URL('../../../examples/descriptors/full.json', import.meta.url).pathname);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.descriptor;
}

function descriptorOf(document: object): Descriptor {
  const result = checkDescriptorText(JSON.stringify(document), 'inline');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.descriptor;
}

const minimal = (more: object = {}) => ({
  namespace: 'shop', appName: 'web', version: 'auto', frontends: ['shop.example.com'],
  podSpec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }] }] },
  ...more,
});

const LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '7', 'app.kubernetes.io/managed-by': 'scalerd-deployer' };

describe('the Deployment', () => {
  it('is named <app>-<version>, labelled, and selects exactly that version\'s pods', async () => {
    const { deployment } = versionManifests(await full(), 7);
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.metadata).toMatchObject({ name: 'web-7', namespace: 'shop', labels: LABELS });
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.selector).toEqual({ matchLabels: LABELS });
    expect(deployment.spec.template.metadata).toEqual({ labels: LABELS });
  });

  it('injects the deployer\'s variables first, then the environment by name, then the container\'s own', async () => {
    const [app] = versionManifests(await full(), 7).deployment.spec.template.spec.containers;
    expect(app!.env).toEqual([
      { name: 'APP_NAME', value: 'web' },
      { name: 'APP_VERSION', value: '7' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'SHOP_REGION', value: 'eu-west-1' },
      { name: 'GREETING', value: 'hello' },
    ]);
  });

  it('the environment overrides a container\'s own variable of the same name; init containers get it too', () => {
    const descriptor = descriptorOf(minimal({
      environment: { MODE: 'prod' },
      podSpec: {
        initContainers: [{ name: 'migrate', image: 'migrate:1' }],
        containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }], env: [{ name: 'MODE', value: 'dev' }, { name: 'X', value: '1' }] }],
      },
    }));
    const { spec } = versionManifests(descriptor, 2).deployment.spec.template;
    expect(spec.containers[0]!.env!.map((v) => `${v.name}=${v.value ?? '(ref)'}`)).toEqual(['APP_NAME=web', 'APP_VERSION=2', 'POD_NAME=(ref)', 'POD_NAMESPACE=(ref)', 'MODE=prod', 'X=1']);
    expect(spec.initContainers![0]!.env!.map((v) => v.name)).toEqual(['APP_NAME', 'APP_VERSION', 'POD_NAME', 'POD_NAMESPACE', 'MODE']);
  });

  it('gets a readinessProbe from the health check on the container serving its port', async () => {
    const [app] = versionManifests(await full(), 7).deployment.spec.template.spec.containers;
    expect(app!.readinessProbe).toEqual({
      httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
      periodSeconds: 1, // 500 ms rounded up to whole seconds
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it('keeps a readinessProbe the pod spec has, and adds none when the health check is off', () => {
    const own = { httpGet: { path: '/ready', port: 8080 } };
    const withOwn = descriptorOf(minimal({ podSpec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }], readinessProbe: own }] } }));
    expect(versionManifests(withOwn, 1).deployment.spec.template.spec.containers[0]!.readinessProbe).toEqual(own);
    const off = descriptorOf(minimal({ healthCheck: { enabled: false } }));
    expect(versionManifests(off, 1).deployment.spec.template.spec.containers[0]).not.toHaveProperty('readinessProbe');
  });

  it('passes the rest of the pod spec through', async () => {
    const { spec } = versionManifests(await full(), 7).deployment.spec.template;
    expect(spec.terminationGracePeriodSeconds).toBe(40);
    expect(spec.containers[0]).toMatchObject({ name: 'app', image: 'scalerd/test-app:1', resources: { requests: { cpu: '100m', memory: '64Mi' } } });
  });
});

describe('the Service', () => {
  it('is a ClusterIP Service named <app>-<version>, selecting the version\'s pods, on every declared port', async () => {
    const { service } = versionManifests(await full(), 7);
    expect(service.apiVersion).toBe('v1');
    expect(service.metadata).toMatchObject({ name: 'web-7', namespace: 'shop', labels: LABELS });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: LABELS,
      ports: [
        { name: 'http', protocol: 'TCP', port: 8080, targetPort: 'http' },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
      ],
    });
  });

  it('names an unnamed port after its protocol and number', () => {
    const descriptor = descriptorOf(minimal({ podSpec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] } }));
    expect(versionManifests(descriptor, 1).service.spec.ports).toEqual([
      { name: 'tcp-8080', protocol: 'TCP', port: 8080, targetPort: 8080 },
      { name: 'udp-53', protocol: 'UDP', port: 53, targetPort: 53 },
    ]);
  });
});

describe('the manifest hash', () => {
  it('is annotated on both objects, taken over everything else, and the same for the same input', async () => {
    const descriptor = await full();
    const a = versionManifests(descriptor, 7);
    const b = versionManifests(await full(), 7);
    expect(a).toEqual(b);
    const { [MANIFEST_HASH_ANNOTATION]: hash, ...rest } = a.deployment.metadata.annotations;
    expect(rest).toEqual({});
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(manifestHash({ ...a.deployment, metadata: { ...a.deployment.metadata, annotations: undefined } }));
    expect(a.service.metadata.annotations[MANIFEST_HASH_ANNOTATION]).not.toBe(hash);
    expect(versionManifests(descriptor, 8).deployment.metadata.annotations[MANIFEST_HASH_ANNOTATION]).not.toBe(hash);
  });

  it('does not depend on the order the descriptor\'s fields were written in', () => {
    const container = { name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }], resources: { limits: { memory: '1Gi', cpu: '1' } } };
    const reordered = { ports: container.ports, resources: { limits: { cpu: '1', memory: '1Gi' } }, image: 'app:1', name: 'app' };
    const hashOf = (c: object) => versionManifests(descriptorOf(minimal({ podSpec: { containers: [c] } })), 1).deployment.metadata.annotations[MANIFEST_HASH_ANNOTATION];
    expect(hashOf(reordered)).toBe(hashOf(container));
  });
});

// Kubernetes' own rules (k8s.io/apimachinery/pkg/util/validation).
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const label = (pattern: RegExp, max: number) => (value: string) => pattern.test(value) && value.length <= max;

const descriptors = fc.record({
  namespace: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
  appName: fc.stringMatching(/^[a-z]([-a-z0-9]{0,51}[a-z0-9])?$/),
  version: fc.oneof(fc.integer({ min: 1, max: MAX_VERSION }), fc.constant('auto')),
  replicas: fc.integer({ min: 1, max: 1000 }),
  ports: fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), name: fc.option(fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/), { nil: undefined }) }), {
    minLength: 1, maxLength: 4, selector: (p) => p.containerPort,
  }).filter((ports) => new Set(ports.flatMap((p) => (p.name ? [p.name] : []))).size === ports.filter((p) => p.name).length),
  environment: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/).filter((n) => !['APP_NAME', 'APP_VERSION', 'POD_NAME', 'POD_NAMESPACE'].includes(n)), fc.string()),
});

describe('for any valid descriptor', () => {
  it('every generated name is a DNS label and every label a valid key and value', () => {
    fc.assert(fc.property(descriptors, fc.integer({ min: 1, max: MAX_VERSION }), (d, resolved) => {
      const descriptor = descriptorOf({
        namespace: d.namespace, appName: d.appName, version: d.version, replicas: d.replicas, frontends: ['app.example.com'], environment: d.environment,
        podSpec: { containers: [{ name: 'app', image: 'app:1', ports: d.ports.map((p) => (p.name ? p : { containerPort: p.containerPort })) }] },
      });
      const version = d.version === 'auto' ? resolved : d.version;
      const { deployment, service } = versionManifests(descriptor, version);
      for (const object of [deployment, service]) {
        expect(label(DNS1035_LABEL, 63)(object.metadata.name)).toBe(true);
        expect(label(DNS1123_LABEL, 63)(object.metadata.namespace)).toBe(true);
        for (const [key, value] of Object.entries(object.metadata.labels)) {
          expect(QUALIFIED_NAME.test(key) && key.split('/').pop()!.length <= 63).toBe(true);
          expect(label(LABEL_VALUE, 63)(value)).toBe(true);
        }
      }
      expect(deployment.spec.template.metadata.labels).toEqual(deployment.metadata.labels);
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      const portNames = service.spec.ports.map((p) => p.name);
      expect(portNames.every(label(DNS1123_LABEL, 63))).toBe(true);
      expect(new Set(portNames).size).toBe(portNames.length);
      const env = deployment.spec.template.spec.containers[0]!.env!.map((v) => v.name);
      expect(new Set(env).size).toBe(env.length);
    }), { numRuns: 200 });
  });
});
