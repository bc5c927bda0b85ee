// Nodes: the list, optimistic read-modify-write changes (cordon, taints, annotations), and
// deletion.

import type { NodeChange, NodeObservation } from '../ports/index.js';
import { backoff, type Caller } from './call.js';
import { nodePatch } from './node-change.js';
import { nodeObservation } from './observe.js';
import { listResource } from './paging.js';
import type { Sleep } from './rate-limiter.js';
import { JSON_PATCH, type KubeApi, MERGE_PATCH, resourcePath } from './transport.js';
import type { Node } from './wire.js';
import { RemoteError } from '../errors.js';

export type NodeDeps = { readonly api: KubeApi; readonly call: Caller; readonly sleep: Sleep; readonly random: () => number };

const nodePath = (name?: string) => resourcePath('v1', 'nodes', name !== undefined ? { name } : {});

/** Read-modify-write rounds before a 409 Conflict is reported (client-go's DefaultRetry has 5). */
export const CONFLICT_ATTEMPTS = 5;
const CONFLICT_PAUSE = { attempts: CONFLICT_ATTEMPTS, baseDelayMs: 10, maxDelayMs: 100 };

const CONFLICT = Symbol('conflict');

export async function listNodes(deps: NodeDeps): Promise<NodeObservation[]> {
  const nodes = await listResource<Node>(deps, { operation: 'list nodes' }, nodePath());
  return nodes.map(nodeObservation);
}

/**
 * Reads the node, computes the patch against that version, writes it with the version as
 * precondition; on 409 Conflict (someone wrote in between) reads again and recomputes, so
 * their change is kept and ours applied on top. A change already in place writes nothing.
 * Both forms are safe to retry after a lost answer: the retry meets our own write (a 409,
 * a failed `test`), and the re-read finds the change in place.
 */
export async function changeNode(deps: NodeDeps, name: string, change: NodeChange): Promise<NodeObservation> {
  const guarded = guardedPatch(change);
  if (guarded) {
    const written = await deps.call<Node | typeof CONFLICT>(
      { operation: 'patch nodes', target: name },
      () => deps.api.request<Node>('PATCH', nodePath(name), { body: guarded, contentType: JSON_PATCH }),
      // 422 Invalid: a `test` operation failed (the patch itself is well formed).
      (failure) => (failure.status === 422 ? CONFLICT : undefined),
    );
    if (written !== CONFLICT) return nodeObservation(written);
    // A failed `test` is also what the retry of our own write meets when the first one
    // landed and only its answer was lost: the node already as asked is that write, done.
    const node = await deps.call({ operation: 'get nodes', target: name }, () => deps.api.request<Node>('GET', nodePath(name)));
    if (guarded.every((op) => op.op !== 'add' || annotationAt(node, op.path) === op.value)) return nodeObservation(node);
    throw markChanged(name, Object.keys(change.expectAnnotations ?? {}).join(', '));
  }
  for (let attempt = 1; ; attempt++) {
    const node = await deps.call({ operation: 'get nodes', target: name }, () => deps.api.request<Node>('GET', nodePath(name)));
    const expected = Object.entries(change.expectAnnotations ?? {}).find(([key, value]) => node.metadata?.annotations?.[key] !== value);
    if (expected) throw markChanged(name, expected[0]);
    const patch = nodePatch(node, change);
    if (!patch) return nodeObservation(node);
    const written = await deps.call<Node | typeof CONFLICT>(
      { operation: 'patch nodes', target: name },
      () => deps.api.request<Node>('PATCH', nodePath(name), { body: patch, contentType: MERGE_PATCH }),
      (failure) => (failure.status === 409 && failure.reason !== 'AlreadyExists' && attempt < CONFLICT_ATTEMPTS ? CONFLICT : undefined),
    );
    if (written !== CONFLICT) return nodeObservation(written);
    await deps.sleep(Math.max(1, backoff(CONFLICT_PAUSE, attempt, deps.random)));
  }
}

export async function deleteNode(deps: NodeDeps, name: string): Promise<'deleted' | 'gone'> {
  return deps.call<'deleted' | 'gone'>(
    { operation: 'delete nodes', target: name },
    async () => {
      await deps.api.request('DELETE', nodePath(name));
      return 'deleted';
    },
    (failure) => (failure.status === 404 ? 'gone' : undefined),
  );
}

type JsonPatchOperation = { readonly op: 'test' | 'add'; readonly path: string; readonly value: string };

/** RFC 6901: `~` and `/` in a key are escaped in a JSON pointer. */
const pointer = (key: string) => `/metadata/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The annotation a pointer of ours names, as the node has it. */
const annotationAt = (node: Node, path: string): string | undefined =>
  node.metadata?.annotations?.[path.slice('/metadata/annotations/'.length).replace(/~1/g, '/').replace(/~0/g, '~')];

/**
 * The one-request form of a change: annotations only, every one set, and guarded. The API
 * server applies the `test` operations and the writes atomically, or none (422).
 */
function guardedPatch(change: NodeChange): JsonPatchOperation[] | undefined {
  const expect = Object.entries(change.expectAnnotations ?? {});
  const set = Object.entries(change.annotations ?? {});
  const onlyAnnotations = change.unschedulable === undefined && !change.addTaints?.length && !change.removeTaintKeys?.length;
  if (expect.length === 0 || !onlyAnnotations || set.some(([, value]) => value === null)) return undefined;
  return [
    ...expect.map(([key, value]): JsonPatchOperation => ({ op: 'test', path: pointer(key), value })),
    ...set.map(([key, value]): JsonPatchOperation => ({ op: 'add', path: pointer(key), value: value! })),
  ];
}

function markChanged(node: string, key: string): RemoteError {
  return new RemoteError('SCALERD_ERR_KUBE_CALL', `node ${node}: annotation ${key} is not what this change expects (someone changed the node's mark); nothing was written`, {
    operation: 'patch nodes', status: 409, reason: 'MarkChanged', retryable: false,
  });
}
