// Workloads (Deployments, StatefulSets) with their autoscalers, their scale, their
// annotations, and the disruption budgets. Reads are a few list calls per namespace, not
// one call per workload.

import type { PdbObservation, WorkloadKind, WorkloadObservation, WorkloadRef } from '../ports/index.js';
import type { Caller } from './call.js';
import { hpaObservation, pdbObservation, targets, workloadObservation } from './observe.js';
import { listResource } from './paging.js';
import { type KubeApi, MERGE_PATCH, resourcePath } from './transport.js';
import type { HorizontalPodAutoscaler, PodDisruptionBudget, Workload } from './wire.js';

export type WorkloadDeps = { readonly api: KubeApi; readonly call: Caller };

export type WorkloadQuery = { readonly namespace: string; readonly name: string; readonly kind?: WorkloadKind };

type Namespace = { deployments: Workload[]; statefulSets: Workload[]; hpas: HorizontalPodAutoscaler[] };

const APPS = 'apps/v1';
const AUTOSCALING = 'autoscaling/v2';
const HPAS = 'horizontalpodautoscalers' as const;

async function readNamespace(deps: WorkloadDeps, namespace: string, kinds: ReadonlySet<WorkloadKind>): Promise<Namespace> {
  const list = <T>(groupVersion: string, resource: 'deployments' | 'statefulsets' | typeof HPAS) =>
    listResource<T>(deps, { operation: `list ${resource}`, target: namespace }, resourcePath(groupVersion, resource, { namespace }));
  const [deployments, statefulSets, hpas] = await Promise.all([
    kinds.has('Deployment') ? list<Workload>(APPS, 'deployments') : [],
    kinds.has('StatefulSet') ? list<Workload>(APPS, 'statefulsets') : [],
    list<HorizontalPodAutoscaler>(AUTOSCALING, HPAS),
  ]);
  return { deployments, statefulSets, hpas };
}

/**
 * The named workloads, in the order asked, each once; one that does not exist is left out
 * (as a missing group is from Cloud.describeGroups). A name without a kind that is both a
 * Deployment and a StatefulSet is an error: scaling the wrong one is not a guess to make.
 */
export async function getWorkloads(deps: WorkloadDeps, refs: readonly WorkloadQuery[]): Promise<WorkloadObservation[]> {
  const kindsByNamespace = new Map<string, Set<WorkloadKind>>();
  for (const ref of refs) {
    const kinds = kindsByNamespace.get(ref.namespace) ?? new Set<WorkloadKind>();
    for (const kind of ref.kind ? [ref.kind] : (['Deployment', 'StatefulSet'] as const)) kinds.add(kind);
    kindsByNamespace.set(ref.namespace, kinds);
  }
  const namespaces = new Map(await Promise.all([...kindsByNamespace].map(async ([ns, kinds]) => [ns, await readNamespace(deps, ns, kinds)] as const)));

  const result: WorkloadObservation[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const ns = namespaces.get(ref.namespace)!;
    const found: { kind: WorkloadKind; object: Workload }[] = [];
    const deployment = ref.kind !== 'StatefulSet' ? ns.deployments.find((d) => d.metadata?.name === ref.name) : undefined;
    const statefulSet = ref.kind !== 'Deployment' ? ns.statefulSets.find((s) => s.metadata?.name === ref.name) : undefined;
    if (deployment) found.push({ kind: 'Deployment', object: deployment });
    if (statefulSet) found.push({ kind: 'StatefulSet', object: statefulSet });
    // Both kinds under one name without a kind in the schedule: report both and let the
    // planner refuse that workload with its reason, rather than fail the whole reconcile.
    for (const match of found) {
      const id = `${match.kind}/${ref.namespace}/${ref.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const hpa = ns.hpas.find((h) => targets(h, match.kind, ref.namespace, ref.name));
      result.push(workloadObservation(match.kind, match.object, hpa ? hpaObservation(hpa) : undefined));
    }
  }
  return result;
}

const resourceOf = (kind: WorkloadKind) => (kind === 'Deployment' ? 'deployments' : 'statefulsets');

export async function scaleWorkload(deps: WorkloadDeps, ref: WorkloadRef, replicas: number): Promise<void> {
  const { namespace, name } = ref;
  const path = resourcePath(APPS, resourceOf(ref.kind), { namespace, name, subresource: 'scale' });
  await deps.call({ operation: `patch ${resourceOf(ref.kind)}/scale`, target: `${namespace}/${name}` }, () =>
    deps.api.request('PATCH', path, { body: { spec: { replicas } }, contentType: MERGE_PATCH }));
}

export async function annotateWorkload(deps: WorkloadDeps, ref: WorkloadRef, annotations: Readonly<Record<string, string | null>>): Promise<void> {
  if (Object.keys(annotations).length === 0) return;
  const { namespace, name } = ref;
  const path = resourcePath(APPS, resourceOf(ref.kind), { namespace, name });
  await deps.call({ operation: `patch ${resourceOf(ref.kind)}`, target: `${namespace}/${name}` }, () =>
    deps.api.request('PATCH', path, { body: { metadata: { annotations } }, contentType: MERGE_PATCH }));
}

export type HpaChange = {
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly annotations?: Readonly<Record<string, string | null>>;
};

export async function changeHpa(deps: WorkloadDeps, namespace: string, name: string, change: HpaChange): Promise<void> {
  const spec = {
    ...(change.minReplicas !== undefined ? { minReplicas: change.minReplicas } : {}),
    ...(change.maxReplicas !== undefined ? { maxReplicas: change.maxReplicas } : {}),
  };
  const annotations = change.annotations ?? {};
  const body = {
    ...(Object.keys(annotations).length > 0 ? { metadata: { annotations } } : {}),
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
  };
  if (Object.keys(body).length === 0) return;
  await deps.call({ operation: `patch ${HPAS}`, target: `${namespace}/${name}` }, () =>
    deps.api.request('PATCH', resourcePath(AUTOSCALING, HPAS, { namespace, name }), { body, contentType: MERGE_PATCH }));
}

export async function listPdbs(deps: WorkloadDeps): Promise<PdbObservation[]> {
  const pdbs = await listResource<PodDisruptionBudget>(deps, { operation: 'list poddisruptionbudgets' }, resourcePath('policy/v1', 'poddisruptionbudgets'));
  return pdbs.map(pdbObservation).filter((p): p is PdbObservation => p !== undefined);
}
