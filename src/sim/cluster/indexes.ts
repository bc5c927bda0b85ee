// The store indexes the controllers read through. `byNode` is also what the API layer
// uses to answer fieldSelector=spec.nodeName, so its name and meaning are fixed.

import type { KubeObject, Store } from '../kube/store.js';
import { controllerRef, spec } from './objects.js';

const byNode = (pod: KubeObject) => spec(pod).nodeName as string | undefined;
const byControllerUid = (object: KubeObject) => controllerRef(object)?.uid;
const byNamespace = (object: KubeObject) => object.metadata.namespace;

export function installIndexes(store: Store): void {
  store.addIndex('pods', 'byNode', byNode);
  store.addIndex('pods', 'byNamespace', byNamespace);
  for (const resource of ['pods', 'replicasets.apps']) store.addIndex(resource, 'byControllerUid', byControllerUid);
}

export const podsOnNode = (store: Store, node: string): KubeObject[] => store.byIndex('pods', 'byNode', node);

export const podsInNamespace = (store: Store, namespace: string): KubeObject[] => store.byIndex('pods', 'byNamespace', namespace);

/** Objects whose controller owner reference points at `owner` (pods, or a Deployment's ReplicaSets). */
export const controlledBy = (store: Store, resource: 'pods' | 'replicasets.apps', owner: KubeObject): KubeObject[] =>
  store.byIndex(resource, 'byControllerUid', owner.metadata.uid);
