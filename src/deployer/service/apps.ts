// The deployer's apps as they are now: found from the records, the stored descriptors and
// the backends in the load balancer (as the reconcile finds them), and for each the version
// every hostname points at (read from etcd, not inferred from the history), the versions
// present in the cluster and in the load balancer, and the deployment under way. What
// `GET /apps` answers and the console's Deployments page shows.

import type { Descriptor } from '../descriptor/index.js';
import type { EngineDeps } from '../engine/engine.js';
import type { AppStateJson } from '../../console/wire.js';
import type { DeployerStore, DeploymentRecord } from '../state/index.js';

export type AppRef = { readonly namespace: string; readonly app: string };

/** What GET /apps answers per app (the console's wire type). */
export type AppState = AppStateJson;

type Sources = { readonly store: Pick<DeployerStore, 'list' | 'descriptors' | 'descriptor'>; readonly engine: Pick<Omit<EngineDeps, 'records'>, 'lb' | 'cluster'> };

/** Every app the deployer has a trace of, sorted; `records` as the store lists them. */
export async function findApps(d: Sources, records: readonly DeploymentRecord[]): Promise<AppRef[]> {
  const apps = new Map<string, AppRef>();
  const add = (namespace: string, app: string) => apps.set(`${namespace}/${app}`, { namespace, app });
  for (const r of records) add(r.namespace, r.app);
  for (const descriptor of (await d.store.descriptors()) as Descriptor[]) add(descriptor.namespace, descriptor.appName);
  for (const id of await d.engine.lb.backends()) {
    const [namespace, app, version] = id.split('.');
    if (namespace && app && version && d.engine.lb.versionOf(namespace, app, id) !== undefined) add(namespace, app);
  }
  return [...apps.values()].sort((a, b) => (`${a.namespace}/${a.app}` < `${b.namespace}/${b.app}` ? -1 : 1));
}

/** The hostnames an app has had: those of its records and of its stored descriptor. */
export function hostsOf(records: readonly DeploymentRecord[], descriptor: Partial<Descriptor> | undefined): string[] {
  return [...new Set([...records.flatMap((r) => r.frontends), ...(descriptor?.frontends ?? [])])].sort();
}

export async function appStates(d: Sources): Promise<AppState[]> {
  const records = await d.store.list();
  const backends = await d.engine.lb.backends();
  return Promise.all((await findApps(d, records)).map(async (ref): Promise<AppState> => {
    const mine = records.filter((r) => r.namespace === ref.namespace && r.app === ref.app);
    const descriptor = ((await d.store.descriptor(ref.namespace, ref.app)) ?? mine.at(-1)?.descriptor) as Partial<Descriptor> | undefined;
    const frontends = await Promise.all(hostsOf(mine, descriptor).map(async (host) => {
      const live = await d.engine.lb.frontend(host);
      return { host, version: d.engine.lb.versionOf(ref.namespace, ref.app, live.backend) ?? null };
    }));
    const inCluster = await d.engine.cluster.listVersions(ref.namespace, ref.app);
    const inLb = new Set(backends.map((b) => d.engine.lb.versionOf(ref.namespace, ref.app, b)).filter((v): v is number => v !== undefined));
    const numbers = [...new Set([...inCluster.map((v) => v.version), ...inLb])].sort((a, b) => a - b);
    const last = mine.at(-1);
    return {
      ...ref,
      frontends,
      versions: numbers.map((version) => {
        const present = inCluster.find((v) => v.version === version);
        return { version, inCluster: present !== undefined, terminating: present?.terminating ?? false, inLoadBalancer: inLb.has(version) };
      }),
      running: mine.find((r) => r.status === 'RUNNING')?.id ?? null,
      last: last ? { id: last.id, kind: last.kind ?? 'deploy', version: last.version, status: last.status, phase: last.phase, reason: last.reason, updatedAt: last.updatedAt } : null,
    };
  }));
}
