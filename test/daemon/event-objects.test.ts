// The involvedObject of scalerd's Events, built from the observation the plan was made
// from: complete (kind, apiVersion, name, namespace, uid, resourceVersion) for what was
// observed, so `kubectl describe` finds the event; by name alone for what was not.

import { describe, expect, it } from 'vitest';
import { eventObjects, nodeEventObject, workloadEventObject } from '../../src/daemon/event-objects.js';
import { World } from '../plan/builders.js';

describe('event objects', () => {
  const observation = new World()
    .group('workers')
    .node('ip-10-0-1-1')
    .workload('shop/web', { replicas: 6 })
    .workload('shop/search', { kind: 'StatefulSet', replicas: 3 })
    .build();
  const objects = eventObjects(observation);

  it('a node: cluster-scoped v1 Node with its uid and resourceVersion, no namespace', () => {
    expect(objects.node('ip-10-0-1-1')).toEqual({ kind: 'Node', apiVersion: 'v1', name: 'ip-10-0-1-1', uid: 'uid-ip-10-0-1-1', resourceVersion: '1' });
  });

  it('a workload: apps/v1 of its kind, in its namespace, with its uid and resourceVersion', () => {
    expect(objects.workload({ kind: 'Deployment', namespace: 'shop', name: 'web' })).toEqual({
      kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'shop', name: 'web', uid: 'uid-shop/web', resourceVersion: '1',
    });
    expect(objects.workload({ kind: 'StatefulSet', namespace: 'shop', name: 'search' })).toMatchObject({ kind: 'StatefulSet', uid: 'uid-shop/search' });
  });

  it('the kind is part of the identity: a StatefulSet is not the Deployment of the same name', () => {
    expect(objects.workload({ kind: 'StatefulSet', namespace: 'shop', name: 'web' })).toEqual({ kind: 'StatefulSet', apiVersion: 'apps/v1', namespace: 'shop', name: 'web' });
  });

  it('not observed: by name alone, never an empty uid or resourceVersion', () => {
    expect(objects.node('ip-10-0-9-9')).toEqual({ kind: 'Node', apiVersion: 'v1', name: 'ip-10-0-9-9' });
    expect(nodeEventObject({ name: 'n', uid: '', resourceVersion: '' })).toEqual({ kind: 'Node', apiVersion: 'v1', name: 'n' });
    expect(workloadEventObject({ kind: 'Deployment', namespace: 'shop', name: 'cache', uid: 'u-1', resourceVersion: '' })).toEqual({
      kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'shop', name: 'cache', uid: 'u-1',
    });
  });
});
