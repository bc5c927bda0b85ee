// The Events a workload controller's pod control writes for each pod it creates or
// deletes: the ReplicaSet and DaemonSet controllers share RealPodControl ("Created pod:
// web-7c9f-x2x4z"), the StatefulSet controller words its own ("create Pod web-0 in
// StatefulSet web successful").

import type { KubeObject } from '../kube/store.js';
import { type ClusterEvents, refTo } from './events.js';

const COMPONENTS: Readonly<Record<string, string>> = {
  ReplicaSet: 'replicaset-controller',
  DaemonSet: 'daemonset-controller',
  StatefulSet: 'statefulset-controller',
};

export function podControlEvent(events: ClusterEvents, owner: KubeObject, verb: 'create' | 'delete', pod: string): void {
  const component = COMPONENTS[owner.kind];
  if (!component) return;
  const reason = verb === 'create' ? 'SuccessfulCreate' : 'SuccessfulDelete';
  const message = owner.kind === 'StatefulSet'
    ? `${verb} Pod ${pod} in StatefulSet ${owner.metadata.name} successful`
    : `${verb === 'create' ? 'Created' : 'Deleted'} pod: ${pod}`;
  events.record({ component }, refTo(owner), 'Normal', reason, message);
}
