// What every part of one planning pass looks up: built once from the observation, with
// indexes (pods by node, marks, classifications) so nothing is recomputed per candidate.

import type { NodeObservation, Observation, PodObservation } from '../ports/observation.js';
import { computeBudgets, type Budgets } from './budgets.js';
import { fitNode, type FitNode } from './fit.js';
import { readMark, type MarkReading } from './marks.js';
import { matchNodes, type Matching } from './match.js';
import type { PlanOptions } from './options.js';
import { classifyNodePods, type NodePods, type PodContext } from './pods.js';

/** Taints a node carries while it starts; it is not capacity until they are gone. */
export const STARTUP_TAINTS: ReadonlySet<string> = new Set([
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/network-unavailable',
  'node.cloudprovider.kubernetes.io/uninitialized',
]);

export type PlanContext = {
  readonly now: number;
  readonly options: PlanOptions;
  readonly observation: Observation;
  readonly budgets: Budgets;
  readonly podContext: PodContext;
  readonly matching: Matching;
  readonly nodes: ReadonlyMap<string, NodeObservation>;
  podsOn(node: string): readonly PodObservation[];
  nodePods(node: string): NodePods;
  markOf(node: NodeObservation): MarkReading;
  /** Ready, schedulable, unmarked, no startup taint: a node pods can go to now. */
  isServing(node: NodeObservation): boolean;
  /** Ready and no startup taint: a node pods could go to once uncordoned. */
  canServe(node: NodeObservation): boolean;
  /** Every node pods could move to, before any is chosen to leave. */
  readonly destinations: readonly FitNode[];
};

export function makeContext(observation: Observation, now: number, options: PlanOptions): PlanContext {
  const budgets = computeBudgets(observation.pdbs);
  const podContext: PodContext = { now, options, budgets };
  const matching = matchNodes(observation.groups, observation.nodes);
  const nodes = new Map(observation.nodes.map((n) => [n.name, n]));
  const byNode = new Map<string, PodObservation[]>();
  for (const pod of observation.pods) {
    if (pod.nodeName !== undefined) byNode.set(pod.nodeName, [...(byNode.get(pod.nodeName) ?? []), pod]);
  }
  const podsOn = (node: string) => byNode.get(node) ?? [];
  const classified = new Map<string, NodePods>();
  const nodePods = (node: string) => {
    let value = classified.get(node);
    if (!value) classified.set(node, (value = classifyNodePods(podsOn(node), podContext)));
    return value;
  };
  const marks = new Map<string, MarkReading>();
  const markOf = (node: NodeObservation) => {
    let value = marks.get(node.name);
    if (!value) marks.set(node.name, (value = readMark(node, options.owner)));
    return value;
  };
  const canServe = (node: NodeObservation) => node.ready && !node.taints.some((t) => STARTUP_TAINTS.has(t.key));
  const isServing = (node: NodeObservation) => canServe(node) && !node.unschedulable && markOf(node).kind === 'none';
  // A managed node serves only while its instance does; an unmanaged one (control plane,
  // another group) is capacity too: the scheduler will use it.
  const destinations = [...nodes.values()]
    .filter((node) => {
      if (!isServing(node)) return false;
      const member = matching.memberOfNode.get(node.name);
      return member === undefined || member.instance.lifecycleState === 'InService';
    })
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((node) => fitNode(node, podsOn(node.name).filter((p) => occupies(p, now, options.terminatingSlackMs))));
  return { now, options, observation, budgets, podContext, matching, nodes, podsOn, nodePods, markOf, isServing, canServe, destinations };
}

/** A pod that holds room on its node: not finished, and not stuck terminating past its grace. */
export function occupies(pod: PodObservation, now: number, slackMs: number): boolean {
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return false;
  return pod.deletionTimestamp === undefined || now <= pod.deletionTimestamp + pod.terminationGracePeriodSeconds * 1000 + slackMs;
}
