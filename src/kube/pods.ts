// Pods: lists, reads, evictions and forced deletes, each answer mapped to what the port
// promises. Evictions and deletes carry the pod's UID as precondition, so a pod replaced
// under the same name (a StatefulSet's) is reported gone and never touched.

import type { EvictionResult, PodObservation, PodRef } from '../ports/index.js';
import type { Caller } from './call.js';
import { type CallSite, type KubeFailure, hasCause } from './failure.js';
import { podObservation } from './observe.js';
import { listResource } from './paging.js';
import { type KubeApi, resourcePath } from './transport.js';
import type { Pod } from './wire.js';

export type PodDeps = { readonly api: KubeApi; readonly call: Caller };

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const podPath = (namespace: string, name: string, subresource?: string) => resourcePath('v1', 'pods', { namespace, name, ...(subresource ? { subresource } : {}) });

export async function listPods(deps: PodDeps, fieldSelector?: string): Promise<PodObservation[]> {
  const site: CallSite = { operation: 'list pods', ...(fieldSelector ? { target: fieldSelector } : {}) };
  const pods = await listResource<Pod>(deps, site, resourcePath('v1', 'pods'), fieldSelector ? { fieldSelector } : {});
  return pods.map(podObservation);
}

export async function getPod(deps: PodDeps, namespace: string, name: string): Promise<PodObservation | undefined> {
  const pod = await deps.call(
    { operation: 'get pods', target: key(namespace, name) },
    () => deps.api.request<Pod>('GET', podPath(namespace, name)),
    (failure): Pod | null | undefined => (failure.status === 404 ? null : undefined),
  );
  return pod ? podObservation(pod) : undefined;
}

// The API server's text for a pod two budgets select (pkg/registry/core/pod/storage/eviction.go).
const MULTIPLE_BUDGETS = /more than one PodDisruptionBudget/i;

/** An eviction's answer that is an outcome rather than a failure, per the port's EvictionResult. */
export function evictionOutcome(failure: KubeFailure): EvictionResult | undefined {
  switch (failure.status) {
    case 404:
    case 409: // the UID precondition failed: the name now belongs to another pod
      return { kind: 'gone' };
    case 429: {
      // Every 429 here is "not now": a budget allowing nothing (the cause names it), a
      // budget status not yet observed (Retry-After 10), or the server's own throttling.
      const details = failure.causes.map((c) => c.message).filter((m): m is string => Boolean(m));
      return { kind: 'blocked', message: details.length > 0 ? `${failure.message} (${details.join('; ')})` : failure.message, retryAfterMs: failure.retryAfterMs ?? 0 };
    }
    case 500:
      return MULTIPLE_BUDGETS.test(failure.message) ? { kind: 'multiple-budgets', message: failure.message } : undefined;
    case 403:
      return hasCause(failure, 'NamespaceTerminating') ? { kind: 'namespace-terminating' } : undefined;
    default:
      return undefined;
  }
}

export async function evictPod(deps: PodDeps, pod: PodRef, gracePeriodSeconds?: number): Promise<EvictionResult> {
  const { namespace, name, uid } = pod;
  return deps.call<EvictionResult>(
    { operation: 'create pods/eviction', target: key(namespace, name) },
    async () => {
      await deps.api.request('POST', podPath(namespace, name, 'eviction'), {
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace },
          deleteOptions: { preconditions: { uid }, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) },
        },
      });
      return { kind: 'evicted' };
    },
    evictionOutcome,
  );
}

export async function deletePod(deps: PodDeps, pod: PodRef, gracePeriodSeconds: number): Promise<'deleted' | 'gone'> {
  const { namespace, name, uid } = pod;
  return deps.call<'deleted' | 'gone'>(
    { operation: 'delete pods', target: key(namespace, name) },
    async () => {
      await deps.api.request('DELETE', podPath(namespace, name), { body: { preconditions: { uid }, gracePeriodSeconds } });
      return 'deleted';
    },
    (failure) => (failure.status === 404 || failure.status === 409 ? 'gone' : undefined),
  );
}
