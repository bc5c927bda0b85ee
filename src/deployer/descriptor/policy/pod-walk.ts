// Reading a pod spec the deployer passes through unchecked: every container with where it
// is written, and fields read defensively (a value of the wrong type reads as absent here;
// the API server refuses it later).

import type { PodSpec } from '../types.js';

export type Fields = Readonly<Record<string, unknown>>;

export type WalkedContainer = {
  readonly pointer: string;
  readonly name: string;
  readonly securityContext: Fields;
  readonly ports: readonly Fields[];
};

export const fields = (value: unknown): Fields => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Fields : {});
export const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
/** Set to anything but undefined, null or false. */
export const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== false;

/** Containers, init containers and ephemeral containers, in that order. */
export function containersOf(podSpec: PodSpec): WalkedContainer[] {
  return (['containers', 'initContainers', 'ephemeralContainers'] as const).flatMap((key) =>
    list(podSpec[key]).map((raw, i) => {
      const container = fields(raw);
      return {
        pointer: `/podSpec/${key}/${i}`,
        name: typeof container.name === 'string' ? container.name : `${key}[${i}]`,
        securityContext: fields(container.securityContext),
        ports: list(container.ports).map(fields),
      };
    }));
}

export const podSecurityContext = (podSpec: PodSpec): Fields => fields(podSpec.securityContext);
