// Discovery documents, as the API server serves them without aggregated discovery
// (clients ask for aggregated discovery first and fall back to these).

import { RESOURCES, VERBS, apiGroups, apiVersionOf, type ResourceType } from './resources.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-scalerd-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function coreVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function groupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map(({ name, version }) => ({
      name,
      versions: [{ groupVersion: `${name}/${version}`, version }],
      preferredVersion: { groupVersion: `${name}/${version}`, version },
    })),
  };
}

export function group(name: string): object | undefined {
  const found = apiGroups().find((g) => g.name === name);
  if (!found) return undefined;
  const gv = { groupVersion: `${name}/${found.version}`, version: found.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: [gv], preferredVersion: gv };
}

export function resourceList(groupName: string, version: string): object | undefined {
  const types = RESOURCES.filter((r) => r.group === groupName && r.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group: groupName, version }),
    resources: types.flatMap(describe),
  };
}

function describe(type: ResourceType): object[] {
  const main = {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: [...VERBS],
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
    storageVersionHash: Buffer.from(type.resource).toString('base64').slice(0, 11),
  };
  const subresources = (type.subresources ?? []).map((s) => ({
    name: `${type.resource}/${s.name}`,
    singularName: '',
    namespaced: type.namespaced,
    ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
    kind: s.kind,
    verbs: s.verbs,
  }));
  return [main, ...subresources];
}
