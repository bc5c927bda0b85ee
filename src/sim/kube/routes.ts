// URL → what is being asked for, by the API server's path rules.

import { findResource, type ResourceType } from './resources.js';

export type ResourceRoute = {
  readonly kind: 'resource';
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
};

export type Route =
  | ResourceRoute
  | { readonly kind: 'version' }
  | { readonly kind: 'core-versions' }
  | { readonly kind: 'groups' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'resources'; readonly group: string; readonly version: string }
  /** /openapi/v2, /openapi/v3[/…]: `path` after /openapi/. */
  | { readonly kind: 'openapi'; readonly path: string }
  | { readonly kind: 'unknown' };

export function route(pathname: string): Route {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] === 'version' && segments.length === 1) return { kind: 'version' };
  if (segments[0] === 'openapi' && segments.length >= 2) return { kind: 'openapi', path: segments.slice(1).join('/') };
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { kind: 'core-versions' };
    [group, version, rest] = ['', segments[1], segments.slice(2)];
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { kind: 'groups' };
    if (segments.length === 2) return { kind: 'group', group: segments[1]! };
    [group, version, rest] = [segments[1]!, segments[2], segments.slice(3)];
  } else {
    return { kind: 'unknown' };
  }
  if (!version) return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'resources', group, version };

  const at = (resource: string | undefined) => (resource ? findResource(group, version!, resource) : undefined);
  // /namespaces/{ns}/{resource}/... names a namespaced resource; /namespaces/{name}[/status] the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = at(rest[2]);
    if (type?.namespaced) return resourceRoute(type, rest[1], rest[3], rest[4], rest.length <= 5);
  }
  const type = at(rest[0]);
  if (!type) return { kind: 'unknown' };
  return resourceRoute(type, undefined, rest[1], rest[2], rest.length <= 3);
}

function resourceRoute(type: ResourceType, namespace: string | undefined, name: string | undefined, subresource: string | undefined, ok: boolean): Route {
  if (!ok) return { kind: 'unknown' };
  if (subresource && !type.subresources?.some((s) => s.name === subresource)) return { kind: 'unknown' };
  return { kind: 'resource', type, namespace, name, subresource };
}

