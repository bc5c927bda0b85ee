// A scenario's Kubernetes objects, as a cluster's users would have created them:
// namespaces, workloads with their PodDisruptionBudgets and autoscalers, DaemonSets,
// bare pods, and the control plane's leases.

import { CONTROL_PLANE_LEASES, controlPlaneLease } from '../cluster/control-plane-leases.js';
import { applyDefaults } from '../kube/defaults.js';
import type { NewObject, Store } from '../kube/store.js';
import type { Requests, Scenario, ScenarioWorkload } from './types.js';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Annotations the simulated kubelet reads (see src/sim/cluster). */
export const IGNORE_SIGTERM_ANNOTATION = 'sim.scalerd.io/ignore-sigterm';

/** `now`: the simulated time the control plane's Leases were taken at. */
export function seedObjects(store: Store, scenario: Scenario, now: number): void {
  const create = (resource: string, object: NewObject) => store.create(resource, applyDefaults(resource, object as never));
  const namespaces = new Set([
    ...SYSTEM_NAMESPACES,
    ...(scenario.namespaces ?? []),
    ...(scenario.workloads ?? []).map((w) => w.namespace),
    ...(scenario.daemonSets ?? []).map((d) => d.namespace),
    ...(scenario.pods ?? []).map((p) => p.namespace),
  ]);
  for (const name of namespaces) {
    create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  for (const component of CONTROL_PLANE_LEASES) create('leases.coordination.k8s.io', controlPlaneLease(component, now));
  for (const workload of scenario.workloads ?? []) {
    const kind = workload.kind;
    create(kind === 'Deployment' ? 'deployments.apps' : 'statefulsets.apps', {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: workload.name, namespace: workload.namespace, labels: { app: workload.name } },
      spec: {
        replicas: workload.replicas,
        selector: { matchLabels: { app: workload.name } },
        ...(kind === 'StatefulSet' ? { serviceName: workload.name } : {}),
        template: podTemplate(workload),
      },
    });
    if (workload.pdb) {
      create('poddisruptionbudgets.policy', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: workload.name, namespace: workload.namespace },
        spec: { ...workload.pdb, selector: { matchLabels: { app: workload.name } } },
      });
    }
    if (workload.hpa) {
      create('horizontalpodautoscalers.autoscaling', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: workload.name, namespace: workload.namespace },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind, name: workload.name },
          minReplicas: workload.hpa.min,
          maxReplicas: workload.hpa.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
        status: { currentReplicas: workload.replicas, desiredReplicas: workload.replicas },
      });
    }
  }
  for (const ds of scenario.daemonSets ?? []) {
    create('daemonsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: ds.name, namespace: ds.namespace, labels: { app: ds.name } },
      spec: {
        selector: { matchLabels: { app: ds.name } },
        template: {
          metadata: { labels: { app: ds.name } },
          spec: {
            containers: [container(ds.namespace, ds.name, ds.requests)],
            ...(ds.tolerateAll ? { tolerations: [{ operator: 'Exists' }] } : {}),
            priorityClassName: 'system-node-critical',
          },
        },
      },
    });
  }
  for (const pod of scenario.pods ?? []) {
    create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.name, namespace: pod.namespace, labels: { app: pod.name } },
      spec: {
        containers: [container(pod.namespace, pod.name, pod.requests, pod.emptyDir)],
        ...(pod.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
      },
    });
  }
}

function podTemplate(workload: ScenarioWorkload): Record<string, unknown> {
  const volumes = [
    ...(workload.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : []),
    ...(workload.hostPath ? [{ name: 'host', hostPath: { path: `/var/lib/${workload.name}`, type: 'DirectoryOrCreate' } }] : []),
  ];
  return {
    metadata: {
      labels: { app: workload.name },
      ...(workload.ignoresSigterm ? { annotations: { [IGNORE_SIGTERM_ANNOTATION]: 'true' } } : {}),
    },
    spec: {
      containers: [container(workload.namespace, workload.name, workload.requests, workload.emptyDir, workload.hostPath)],
      ...(volumes.length ? { volumes } : {}),
      ...(workload.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: workload.terminationGracePeriodSeconds } : {}),
      ...(workload.priorityClassName ? { priorityClassName: workload.priorityClassName } : {}),
      ...(workload.nodeSelector ? { nodeSelector: workload.nodeSelector } : {}),
      ...(workload.tolerations ? { tolerations: workload.tolerations } : {}),
    },
  };
}

function container(namespace: string, name: string, requests: Requests | undefined, emptyDir = false, hostPath = false): Record<string, unknown> {
  const mounts = [
    ...(emptyDir ? [{ name: 'scratch', mountPath: '/scratch' }] : []),
    ...(hostPath ? [{ name: 'host', mountPath: '/host' }] : []),
  ];
  return {
    name,
    image: `registry.sim.local/${namespace}/${name}:1.0.0`,
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    ...(requests ? { resources: { requests: { ...requests } } } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  };
}
