// Listing nodes and pods through client-node: field and label selectors, and paging with
// limit/continue, as scalerd reads the cluster.

import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiFailure, rv, useSim } from './helpers.js';

const s = useSim();

const names = (pods: readonly V1Pod[]) => pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);

describe('listing through client-node', () => {
  it('lists the nodes, Ready, with the group label, and a list version no older than any item', async () => {
    const list = await s.core.listNode();
    expect(list.items).toHaveLength(3);
    for (const node of list.items) {
      expect(node.metadata?.labels?.['scalerd.io/node-group']).toBe('workers');
      expect(node.spec?.providerID).toMatch(/^aws:\/\/\/eu-west-1[abc]\/i-[0-9a-f]{17}$/);
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(rv(node)).toBeLessThanOrEqual(rv(list));
    }
    expect(new Set(list.items.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone']))).toEqual(new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
  });

  it('lists the pods of one node with fieldSelector spec.nodeName; the nodes together hold every pod', async () => {
    const all = (await s.core.listPodForAllNamespaces()).items;
    expect(all).toHaveLength(11); // 3 web, 2 search, 2 cache, 3 kube-proxy, debug
    const perNode: V1Pod[] = [];
    for (const node of (await s.core.listNode()).items) {
      const nodeName = node.metadata!.name!;
      const pods = (await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` })).items;
      expect(pods.every((p) => p.spec?.nodeName === nodeName)).toBe(true);
      expect(pods.filter((p) => p.metadata?.labels?.app === 'kube-proxy')).toHaveLength(1); // one daemon per node
      perNode.push(...pods);
    }
    expect(names(perNode).sort()).toEqual(names(all).sort());
  });

  it('combines field selectors, and selects by labels with equality and set expressions', async () => {
    expect(names((await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items)).toHaveLength(3);
    const set = (await s.core.listPodForAllNamespaces({ labelSelector: 'app in (web,cache)' })).items;
    expect(set.map((p) => p.metadata?.labels?.app).sort()).toEqual(['cache', 'cache', 'web', 'web', 'web']);
    expect((await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app!=web,app!=cache' })).items.map((p) => p.metadata?.name)).toEqual(['search-0', 'search-1']);
    const node = (await s.core.listNode()).items[0]!.metadata!.name!;
    const running = (await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node},status.phase=Running` })).items;
    expect(running.length).toBeGreaterThan(0);
    expect((await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node},status.phase=Pending` })).items).toEqual([]);
  });

  it('pages with limit and _continue: the pages together are the unpaged list, in order, each object once', async () => {
    const whole = names((await s.core.listPodForAllNamespaces()).items);
    const paged: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s.core.listPodForAllNamespaces({ limit: 4, ...(token ? { _continue: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(4);
      paged.push(...names(page.items));
      token = page.metadata?._continue;
      if (token) expect(page.metadata?.remainingItemCount).toBe(whole.length - paged.length);
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(paged).toEqual(whole);
  });

  it('pages within a namespace and under a label selector too', async () => {
    const collect = async (labelSelector?: string) => {
      const out: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await s.core.listNamespacedPod({ namespace: 'shop', limit: 2, ...(labelSelector ? { labelSelector } : {}), ...(token ? { _continue: token } : {}) });
        out.push(...names(page.items));
        token = page.metadata?._continue;
        if (!token) break;
      }
      return out;
    };
    expect(await collect()).toEqual(names((await s.core.listNamespacedPod({ namespace: 'shop' })).items));
    expect(await collect('app=web')).toEqual(names((await s.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items));
  });

  it('pages the pods of one node: every pod once, whether or not the server honours limit there', async () => {
    const node = (await s.core.listNode()).items[1]!.metadata!.name!;
    const whole = names((await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items);
    const paged: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}`, limit: 1, ...(token ? { _continue: token } : {}) });
      paged.push(...names(page.items));
      token = page.metadata?._continue;
      if (!token) break;
    }
    expect(paged).toEqual(whole);
  });

  it('answers a malformed continue token and a malformed selector with 400 and a v1 Status', async () => {
    const token = await apiFailure(s.core.listPodForAllNamespaces({ limit: 2, _continue: 'not-a-token' }));
    expect(token).toMatchObject({ code: 400, status: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 } });
    expect(token.status.message).toMatch(/continue/);
    expect((await apiFailure(s.core.listPodForAllNamespaces({ labelSelector: 'app in web' }))).code).toBe(400);
  });
});
