// Defaulting on create, as the API server's defaulters and admission do for the fields
// clients and controllers read back.

import type { KubeObject } from './store.js';

type Loose = Record<string, any>;

export function applyDefaults(resource: string, object: KubeObject): KubeObject {
  const o = structuredClone(object) as KubeObject & Loose;
  switch (resource) {
    case 'pods':
      defaultPodSpec((o.spec ??= {}));
      o.status = { phase: 'Pending', qosClass: qosClass(o.spec), ...(o.status ?? {}) };
      break;
    case 'deployments.apps':
      o.spec ??= {};
      o.spec.replicas ??= 1;
      o.spec.revisionHistoryLimit ??= 10;
      o.spec.progressDeadlineSeconds ??= 600;
      o.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      defaultPodSpec((o.spec.template ??= {}).spec ??= {});
      o.status ??= {};
      break;
    case 'statefulsets.apps':
      o.spec ??= {};
      o.spec.replicas ??= 1;
      o.spec.podManagementPolicy ??= 'OrderedReady';
      o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      o.spec.revisionHistoryLimit ??= 10;
      defaultPodSpec((o.spec.template ??= {}).spec ??= {});
      o.status ??= { replicas: 0, availableReplicas: 0 };
      break;
    case 'replicasets.apps':
      o.spec ??= {};
      o.spec.replicas ??= 1;
      defaultPodSpec((o.spec.template ??= {}).spec ??= {});
      o.status ??= { replicas: 0 };
      break;
    case 'daemonsets.apps':
      o.spec ??= {};
      o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      o.spec.revisionHistoryLimit ??= 10;
      defaultPodSpec((o.spec.template ??= {}).spec ??= {});
      o.status ??= { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
      break;
    case 'namespaces':
      // As the namespace strategy and defaulter do, whatever the client sent (kubectl create
      // namespace sends empty spec and status): the kubernetes finalizer, phase Active, and the
      // immutable kubernetes.io/metadata.name label.
      o.spec = { ...o.spec, finalizers: [...new Set([...((o.spec?.finalizers as string[] | undefined) ?? []), 'kubernetes'])] };
      o.status = { phase: 'Active' };
      o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
      break;
    case 'services':
      o.spec ??= {};
      o.spec.type ??= 'ClusterIP';
      o.spec.sessionAffinity ??= 'None';
      o.status ??= { loadBalancer: {} };
      break;
    case 'poddisruptionbudgets.policy':
      o.status ??= { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, observedGeneration: 0 };
      break;
    default:
      break;
  }
  return o;
}

function defaultPodSpec(spec: Loose): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.containers ??= [];
  for (const container of spec.containers as Loose[]) {
    container.imagePullPolicy ??= 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
  }
  // DefaultTolerationSeconds admission: pods ride out a short node outage.
  spec.tolerations ??= [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!(spec.tolerations as Loose[]).some((t) => t.key === key)) {
      spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
}

function qosClass(spec: Loose): string {
  const containers = (spec.containers ?? []) as Loose[];
  const all = containers.map((c) => c.resources ?? {});
  if (all.every((r) => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = all.every((r) => r.limits?.cpu && r.limits?.memory && (!r.requests || (r.requests.cpu === r.limits.cpu && r.requests.memory === r.limits.memory)));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
