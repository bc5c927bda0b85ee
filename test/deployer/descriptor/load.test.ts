// Valid descriptors: the two examples, the defaults a minimal one gets, and version "auto".

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  DEPLOY_EVENTS,
  DESCRIPTOR_SCHEMA_URL,
  MAX_VERSION,
  checkDescriptorText,
  loadDescriptorFile,
  newestVersion,
  resolveVersion,
} from '../../../src/deployer/descriptor/index.js';
import { isScalerdError } from '../../../src/errors.js';

const example = (name: string) => new URL(`../../../examples/descriptors/${name}`, import.meta.url).pathname;

describe('the examples', () => {
  it('minimal.json gets every default, the health check on its one port', async () => {
    const result = await loadDescriptorFile(example('minimal.json'));
    expect(result).toMatchObject({ ok: true, diagnostics: [] });
    expect(result.ok && result.descriptor).toEqual({
      namespace: 'default',
      appName: 'hello',
      version: 'auto',
      replicas: 1,
      frontends: ['hello.example.com'],
      podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] },
      environment: {},
      healthCheck: { enabled: true, path: '/health', port: 8080, container: 'app', intervalMs: 1000, timeoutMs: 2000, successes: 3, deadlineMs: 60000, expectVersion: true },
      drainDelayMs: 30000,
      bake: { durationMs: 30000, max5xxPercent: 1, maxConnectionErrors: 0, maxServersDown: 0 },
      webhooks: [],
    });
  });

  it('full.json keeps what it sets, resolves its port name, and fills in webhook events', async () => {
    const result = await loadDescriptorFile(example('full.json'));
    expect(result.ok && result.diagnostics).toEqual([]);
    if (!result.ok) return;
    const { descriptor, document } = result;
    expect(descriptor).toMatchObject({ namespace: 'shop', appName: 'web', version: 7, replicas: 3, frontends: ['shop.example.com', 'www.shop.example.com'], drainDelayMs: 15000 });
    expect(descriptor.environment).toEqual({ LOG_LEVEL: 'info', SHOP_REGION: 'eu-west-1' });
    expect(descriptor.healthCheck).toEqual({ enabled: true, path: '/health', port: 8080, container: 'app', intervalMs: 500, timeoutMs: 1000, successes: 3, deadlineMs: 30000, expectVersion: true });
    expect(descriptor.webhooks).toEqual([
      { url: 'https://hooks.example.com/deploys', events: [...DEPLOY_EVENTS], secretRef: { name: 'deploy-hooks', key: 'signing-secret' } },
      { url: 'https://chat.example.com/hooks/ops', events: ['failed', 'rolled-back'] },
    ]);
    // Fields the deployer does not read pass through untouched.
    expect(descriptor.podSpec.terminationGracePeriodSeconds).toBe(40);
    expect(descriptor.podSpec.containers[0]!.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' } });
    expect(document.healthCheck?.port).toBe('http');
  });

  it('a health check on a second container\'s port is attached to that container', () => {
    const result = checkDescriptorText(JSON.stringify({
      namespace: 'shop', appName: 'web', version: 1, frontends: ['a.example.com'],
      podSpec: { containers: [
        { name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }] },
        { name: 'admin', image: 'admin:1', ports: [{ name: 'admin', containerPort: 9000 }] },
      ] },
      healthCheck: { port: 'admin', enabled: false },
    }), 'inline');
    expect(result.ok && result.descriptor.healthCheck).toMatchObject({ enabled: false, port: 9000, container: 'admin' });
  });
});

describe('the schema and the code agree', () => {
  const schema = JSON.parse(readFileSync(DESCRIPTOR_SCHEMA_URL, 'utf8')) as {
    properties: Record<string, { default?: unknown }>;
    $defs: { healthCheck: { properties: Record<string, { default?: unknown }> }; bake: { properties: Record<string, { default?: unknown }> }; webhook: { properties: { events: { items: { enum: string[] } } } } };
  };

  it('on the defaults', () => {
    expect({ replicas: schema.properties.replicas!.default, drainDelayMs: schema.properties.drainDelayMs!.default }).toEqual({ replicas: DEFAULTS.replicas, drainDelayMs: DEFAULTS.drainDelayMs });
    const healthDefaults = Object.fromEntries(Object.entries(schema.$defs.healthCheck.properties).filter(([, p]) => 'default' in p).map(([k, p]) => [k, p.default]));
    expect(healthDefaults).toEqual(DEFAULTS.healthCheck);
    const bakeDefaults = Object.fromEntries(Object.entries(schema.$defs.bake.properties).map(([k, p]) => [k, p.default]));
    expect(bakeDefaults).toEqual(DEFAULTS.bake);
  });

  it('fills in the bake a descriptor leaves out, field by field', () => {
    const result = checkDescriptorText(JSON.stringify({
      namespace: 'shop', appName: 'web', version: 1, frontends: ['shop.example.com'], bake: { durationMs: 5000, maxServersDown: 1 },
      podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] },
    }), 'inline');
    expect(result.ok && result.descriptor.bake).toEqual({ durationMs: 5000, max5xxPercent: 1, maxConnectionErrors: 0, maxServersDown: 1 });
    const refused = checkDescriptorText(JSON.stringify({
      namespace: 'shop', appName: 'web', version: 1, frontends: ['shop.example.com'], bake: { durationMs: -1, max5xxPercent: 101 },
      podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] },
    }), 'inline');
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics.map((d) => d.pointer)).toEqual(expect.arrayContaining(['/bake/durationMs', '/bake/max5xxPercent']));
  });

  it('on the events', () => {
    expect(schema.$defs.webhook.properties.events.items.enum).toEqual([...DEPLOY_EVENTS]);
  });
});

describe('version "auto"', () => {
  it('is one more than the newest version present, 1 when there is none', () => {
    expect(resolveVersion('auto', undefined)).toBe(1);
    expect(resolveVersion('auto', 7)).toBe(8);
    expect(resolveVersion('auto', newestVersion([3, 12, 9]))).toBe(13);
    expect(newestVersion([])).toBeUndefined();
  });

  it('an explicit version is kept, whatever is present', () => {
    expect(resolveVersion(4, 9)).toBe(4);
    expect(resolveVersion(4, undefined)).toBe(4);
  });

  it('never goes past the largest version', () => {
    expect(resolveVersion('auto', MAX_VERSION - 1)).toBe(MAX_VERSION);
    let thrown: unknown;
    try {
      resolveVersion('auto', MAX_VERSION);
    } catch (error) {
      thrown = error;
    }
    expect(isScalerdError(thrown) && thrown.code).toBe('SCALERD_ERR_DESCRIPTOR_VERSION');
  });

  it('a version above the largest is refused by the schema', () => {
    const result = checkDescriptorText(JSON.stringify({ namespace: 'a', appName: 'b', version: MAX_VERSION + 1, frontends: ['c'], podSpec: { containers: [{ name: 'd', image: 'e', ports: [{ containerPort: 1 }] }] } }), 'inline');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.pointer)).toEqual(['/version']);
  });
});
