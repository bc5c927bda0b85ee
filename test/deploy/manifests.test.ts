import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelOf, validate } from './openapi.js';
import { ROOT, only, render, renderWith, type KubeObject } from './render.js';

type Container = {
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
  topologySpreadConstraints?: unknown[];
  terminationGracePeriodSeconds?: number;
};
type Deployment = KubeObject & { spec: { replicas: number; template: { spec: PodSpec } } };

describe('deploy/ (kubectl kustomize)', () => {
  it('renders objects that fit the Kubernetes API types, field by field', async () => {
    const objects = await render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/scalerd', 'ClusterRoleBinding/scalerd', `ConfigMap/${only(objects, 'ConfigMap').metadata.name}`, 'Deployment/scalerd',
      'Namespace/scalerd', 'Role/scalerd', 'RoleBinding/scalerd', 'Service/scalerd', 'ServiceAccount/scalerd',
    ].sort());
    for (const object of objects) {
      expect(validate(object, modelOf(object.apiVersion, object.kind)), `${object.kind}/${object.metadata.name}`).toEqual([]);
      if (object.kind !== 'Namespace' && object.kind !== 'ClusterRole' && object.kind !== 'ClusterRoleBinding') expect(object.metadata.namespace).toBe('scalerd');
    }
  });

  it('the validator catches a misspelt field and a wrong type (it can fail)', () => {
    const typo = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: '2', selector: {}, template: { spec: { containers: [{ name: 'x', securityContext: { readOnlyRootFileSystem: true } }] } } } };
    expect(validate(typo, 'V1Deployment')).toEqual([
      '.spec.replicas: expected a whole number, got string "2"',
      '.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: V1SecurityContext has no field "readOnlyRootFileSystem"',
    ]);
  });

  it('runs two replicas as a locked-down, probed, bounded, spread pod', async () => {
    const deployment = only(await render(), 'Deployment') as Deployment;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.serviceAccountName).toBe('scalerd');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container!.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(Object.keys(container!.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(container!.resources?.limits?.memory).toBeDefined();
    expect(pod.topologySpreadConstraints?.length).toBeGreaterThan(0);
    // Leader election stays on: no SCALERD_NO_LEADER_ELECT with two replicas.
    expect(container!.env?.map((e) => e.name)).not.toContain('SCALERD_NO_LEADER_ELECT');
  });

  it('mounts the schedule from git as the generated ConfigMap the daemon reads', async () => {
    const objects = await render();
    const deployment = only(objects, 'Deployment') as Deployment;
    const configMap = only(objects, 'ConfigMap') as KubeObject & { data: Record<string, string> };
    const pod = deployment.spec.template.spec;
    const volume = pod.volumes?.find((v) => v.configMap?.name === configMap.metadata.name);
    expect(configMap.metadata.name).toMatch(/^scalerd-schedule-[a-z0-9]{10}$/);
    expect(volume).toBeDefined();
    const mount = pod.containers[0]!.volumeMounts?.find((m) => m.name === volume!.name);
    const schedulePath = pod.containers[0]!.env?.find((e) => e.name === 'SCALERD_SCHEDULE')?.value;
    expect(schedulePath).toBe(`${mount!.mountPath}/${Object.keys(configMap.data)[0]}`);
    expect(configMap.data['schedule.json']).toBe(await readFile(join(ROOT, 'schedules/example.json'), 'utf8'));
  });

  it('the optional ServiceMonitor component selects each Service\'s metrics port: the daemon\'s, the deployer\'s, haproxy\'s exporter', async () => {
    type Monitor = KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } };
    type Service = KubeObject & { metadata: { labels: Record<string, string> }; spec: { ports: { name: string; targetPort: string }[] } };
    const objects = await renderWith(['deployer', 'lb', 'servicemonitor']);
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor') as Monitor[];
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['scalerd', 'scalerd-deployer', 'scalerd-lb']);
    for (const monitor of monitors) {
      expect(monitor.metadata.namespace).toBe('scalerd');
      const services = (objects.filter((o) => o.kind === 'Service') as Service[])
        .filter((s) => Object.entries(monitor.spec.selector.matchLabels).every(([key, value]) => s.metadata.labels?.[key] === value));
      expect(services.map((s) => s.metadata.name), monitor.metadata.name).toEqual([monitor.metadata.name]);
      const port = services[0]!.spec.ports.find((p) => p.name === monitor.spec.endpoints[0]!.port);
      expect(port, monitor.metadata.name).toBeDefined();
      expect(monitor.spec.endpoints[0]!.path).toBe('/metrics');
      // Never the apps' traffic port: haproxy would route a scrape by its Host header.
      if (monitor.metadata.name === 'scalerd-lb') expect(port!.targetPort).toBe('metrics');
    }
  });
});
