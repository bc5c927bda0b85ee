// Nodes ↔ instances. A node belongs to an instance when its providerID names the instance
// id exactly (aws:///<zone>/<id>); a node with no AWS providerID falls back to its name
// being the instance's EC2 private DNS name. A node whose providerID names an instance
// of no managed group is not managed (no fallback: the id is exact). Instances with no
// node have not joined (yet).

import type { GroupObservation, InstanceObservation, NodeObservation } from '../ports/observation.js';
import { parseProviderId } from '../ports/observation.js';

/**
 * An observed instance. Without `launchedAt` (EC2 LaunchTime) the planner cannot tell a
 * slow join from a failed one, so it never terminates such an instance for not joining
 * (fail closed).
 */
export type Instance = InstanceObservation;

/** States the group counts in its desired capacity, and which will serve once joined. */
const COUNTED = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);

export function isCounted(instance: InstanceObservation): boolean {
  return COUNTED.has(instance.lifecycleState);
}

/** On its way out of the group (Terminating, Terminating:Wait, …, Terminated). */
export function isGoing(instance: InstanceObservation): boolean {
  return instance.lifecycleState.startsWith('Terminat');
}

export type Member = {
  readonly instance: Instance;
  readonly node: NodeObservation | undefined;
};

export type Matching = {
  /** Per ASG name: its instances with their nodes, by instance id. */
  readonly members: ReadonlyMap<string, readonly Member[]>;
  /** Node name → ASG name, for managed nodes. */
  readonly groupOfNode: ReadonlyMap<string, string>;
  /** Node name → its instance, for managed nodes. */
  readonly memberOfNode: ReadonlyMap<string, Member>;
};

export function instanceIdOf(node: NodeObservation): string | undefined {
  return node.instanceId ?? parseProviderId(node.providerId)?.instanceId;
}

export function matchNodes(groups: readonly GroupObservation[], nodes: readonly NodeObservation[]): Matching {
  const byId = new Map<string, { asg: string; instance: Instance }>();
  const byDns = new Map<string, { asg: string; instance: Instance }>();
  for (const group of groups) {
    for (const instance of group.instances) {
      byId.set(instance.id, { asg: group.name, instance });
      if (instance.privateDnsName) byDns.set(instance.privateDnsName, { asg: group.name, instance });
    }
  }
  const nodeOf = new Map<string, NodeObservation>();
  const groupOfNode = new Map<string, string>();
  // Exact ids first, so a DNS-name fallback never takes an instance a providerID names.
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  const pass = (pick: (node: NodeObservation) => { asg: string; instance: Instance } | undefined) => {
    for (const node of sorted) {
      if (groupOfNode.has(node.name)) continue;
      const hit = pick(node);
      if (!hit || nodeOf.has(hit.instance.id)) continue;
      nodeOf.set(hit.instance.id, node);
      groupOfNode.set(node.name, hit.asg);
    }
  };
  pass((node) => {
    const id = instanceIdOf(node);
    return id === undefined ? undefined : byId.get(id);
  });
  pass((node) => (instanceIdOf(node) === undefined ? byDns.get(node.name) : undefined));
  const members = new Map<string, Member[]>();
  const memberOfNode = new Map<string, Member>();
  for (const group of groups) {
    const list = [...group.instances]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((instance) => ({ instance, node: nodeOf.get(instance.id) }));
    for (const member of list) if (member.node) memberOfNode.set(member.node.name, member);
    members.set(group.name, list);
  }
  return { members, groupOfNode, memberOfNode };
}
