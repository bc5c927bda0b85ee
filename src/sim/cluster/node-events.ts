// The Events of a Node's life, as the node lifecycle controller (node-controller) and the
// Node's kubelet write them: RegisteredNode when the controller first sees the Node,
// NodeReady from the kubelet when it turns Ready, NodeNotReady from the controller when
// it stops being Ready, RemovingNode when the Node is gone. The controller refers to the
// Node by its uid; the kubelet, which has no uid for it, by its name (kubectl describe
// node looks for both).

import type { KubeObject, StoreEvent } from '../kube/store.js';
import type { ClusterDeps, Controller } from './controller.js';
import type { InvolvedObject } from './events.js';
import { isNodeReady } from './objects.js';

const NODE_CONTROLLER = { component: 'node-controller' };

const byController = (node: KubeObject): InvolvedObject => ({ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid });

export function createNodeEvents(deps: ClusterDeps): Controller {
  const { events } = deps;
  const ready = new Map<string, boolean>();

  function statusChange(node: KubeObject, now: boolean): void {
    const name = node.metadata.name;
    if (now) events.record({ component: 'kubelet', host: name }, { kind: 'Node', name, uid: name }, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
    else events.record(NODE_CONTROLLER, byController(node), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  }

  return {
    watches: ['nodes'],
    queues: [],
    onEvent(event: StoreEvent) {
      const node = event.object;
      const name = node.metadata.name;
      if (event.type === 'DELETED') {
        ready.delete(name);
        events.record(NODE_CONTROLLER, byController(node), 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
        return;
      }
      const now = isNodeReady(node);
      const before = ready.get(name);
      ready.set(name, now);
      if (before === undefined) {
        events.record(NODE_CONTROLLER, byController(node), 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
        if (now) statusChange(node, true);
      } else if (before !== now) {
        statusChange(node, now);
      }
    },
  };
}
