// JSON pointers (what ajv reports) as the API server names fields.

type Loose = Record<string, any>;

export type Segment = { readonly key: string; readonly index: boolean };

/** The pointer's segments, each marked when it indexes an array of `object`. */
export function segments(object: unknown, pointer: string): Segment[] {
  if (pointer === '') return [];
  let node: unknown = object;
  return pointer.slice(1).split('/').map((raw) => {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const index = Array.isArray(node);
    node = node === null || typeof node !== 'object' ? undefined : (node as Loose)[key];
    return { key, index };
  });
}

/** field.Path's String(): spec.template.spec.containers[0].name */
export function fieldPath(parts: readonly Segment[]): string {
  let path = '';
  for (const { key, index } of parts) path += index ? `[${key}]` : path ? `.${key}` : key;
  return path;
}

/** The path Go's JSON decoder reports: names only, no indexes (spec.template.spec.containers.name). */
export function decoderPath(parts: readonly Segment[]): string {
  return parts.filter((p) => !p.index).map((p) => p.key).join('.');
}

export function valueAt(object: unknown, parts: readonly Segment[]): unknown {
  return parts.reduce<unknown>((node, { key }) => (node === null || typeof node !== 'object' ? undefined : (node as Loose)[key]), object);
}

/** A copy of `object` without the fields at `pointers` (the unknown fields the API server drops). */
export function without(object: Loose, pointers: readonly string[]): Loose {
  if (pointers.length === 0) return object;
  const copy = structuredClone(object);
  for (const pointer of pointers) {
    const parts = segments(copy, pointer);
    const parent = valueAt(copy, parts.slice(0, -1)) as Loose | undefined;
    if (parent && typeof parent === 'object') delete parent[parts[parts.length - 1]!.key];
  }
  return copy;
}
