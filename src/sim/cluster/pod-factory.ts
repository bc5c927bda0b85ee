// Pods made from a controller's template, the way the workload controllers build them:
// the template's labels and annotations, a controller owner reference, API defaults.

import { ApiError } from '../kube/api-error.js';
import { applyDefaults } from '../kube/defaults.js';
import type { KubeObject } from '../kube/store.js';
import { type ClusterDeps, namespaceOpen } from './controller.js';
import { type Loose, ownedBy, spec } from './objects.js';
import { podControlEvent } from './pod-control-events.js';

export type PodIdentity = {
  /** A fixed name (StatefulSet), or undefined for `<generateName><5 random chars>`. */
  readonly name?: string;
  readonly generateName?: string;
  readonly labels?: Record<string, string>;
  /** Fields set on the pod spec over the template's (hostname, nodeName). */
  readonly spec?: Loose;
};

/** Creates the pod; undefined when the namespace is terminating. */
export function createPodFromTemplate(deps: ClusterDeps, owner: KubeObject, identity: PodIdentity): KubeObject | undefined {
  if (!namespaceOpen(deps, owner.metadata.namespace)) return undefined;
  const template = (spec(owner).template ?? {}) as Loose;
  const meta = (template.metadata ?? {}) as Loose;
  const pod = applyDefaults('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: identity.name ?? '',
      ...(identity.name ? {} : { generateName: identity.generateName ?? `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}), ...(identity.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [ownedBy(owner)],
    },
    spec: { ...structuredClone(template.spec ?? {}), ...(identity.spec ?? {}) },
  } as unknown as KubeObject);
  // A generated name can collide with a live pod; the API server retries the same way.
  for (let attempt = 0; ; attempt++) {
    try {
      const created = deps.store.create('pods', pod);
      podControlEvent(deps.events, owner, 'create', created.metadata.name);
      return created;
    } catch (error) {
      if (identity.name || attempt >= 5 || !(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
    }
  }
}
