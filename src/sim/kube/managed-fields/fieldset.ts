// Sets of field paths, as structured-merge-diff's fieldpath.Set: a trie whose edges are path
// elements in the FieldsV1 spelling (f:name, k:{"name":"web"}, v:"value", i:0) and whose
// nodes say whether the path itself is a member (FieldsV1's ".": {}, or a leaf {}).

export type FieldsV1 = { [element: string]: FieldsV1 };

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(fields: FieldsV1 | undefined): FieldSet {
    const set = new FieldSet();
    if (!fields || typeof fields !== 'object') return set;
    for (const [element, sub] of Object.entries(fields)) {
      if (element === '.') {
        set.member = true;
        continue;
      }
      const child = FieldSet.fromFieldsV1(sub);
      if (!sub || Object.keys(sub).length === 0) child.member = true;
      set.children.set(element, child);
    }
    return set;
  }

  /** FieldsV1, elements sorted ("." first): what managedFields stores. */
  toFieldsV1(): FieldsV1 {
    const out: FieldsV1 = {};
    const elements = [...this.children.keys()].sort();
    for (const element of elements) {
      const child = this.children.get(element)!;
      if (child.children.size === 0) {
        out[element] = {};
      } else {
        const sub = child.toFieldsV1();
        out[element] = child.member ? { '.': {}, ...sub } : sub;
      }
    }
    return out;
  }

  get empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  child(element: string): FieldSet | undefined {
    return this.children.get(element);
  }

  /** The child, created if missing. */
  descend(element: string): FieldSet {
    let child = this.children.get(element);
    if (!child) this.children.set(element, (child = new FieldSet()));
    return child;
  }

  insert(path: readonly string[]): void {
    let node: FieldSet = this;
    for (const element of path) node = node.descend(element);
    node.member = true;
  }

  has(path: readonly string[]): boolean {
    let node: FieldSet | undefined = this;
    for (const element of path) node = node?.children.get(element);
    return node?.member ?? false;
  }

  clone(): FieldSet {
    const copy = new FieldSet();
    copy.member = this.member;
    for (const [element, child] of this.children) copy.children.set(element, child.clone());
    return copy;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    out.#addAll(other);
    return out;
  }

  #addAll(other: FieldSet): void {
    this.member ||= other.member;
    for (const [element, child] of other.children) this.descend(element).#addAll(child);
  }

  /** Members of this set not in `other` (paths, not subtrees: a member's children stay). */
  difference(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !(other?.member ?? false);
    for (const [element, child] of this.children) {
      const sub = child.difference(other?.children.get(element));
      if (!sub.empty) out.children.set(element, sub);
    }
    return out;
  }

  /** Members in both. */
  intersection(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    if (!other) return out;
    out.member = this.member && other.member;
    for (const [element, child] of this.children) {
      const mine = other.children.get(element);
      if (!mine) continue;
      const sub = child.intersection(mine);
      if (!sub.empty) out.children.set(element, sub);
    }
    return out;
  }

  /** Without every path at or under a member of `other` (fieldpath.Set.RecursiveDifference). */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    if (other.member) return out;
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      const sub = theirs ? child.recursiveDifference(theirs) : child.clone();
      if (!sub.empty) out.children.set(element, sub);
    }
    return out;
  }

  /** Every member path, depth first, elements in sorted order. */
  paths(prefix: readonly string[] = []): string[][] {
    const out: string[][] = [];
    if (this.member) out.push([...prefix]);
    for (const element of [...this.children.keys()].sort()) out.push(...this.children.get(element)!.paths([...prefix, element]));
    return out;
  }
}

/** fieldpath.Path.String(): .spec.template.spec.containers[name="web"].image, [containerPort=80,protocol="TCP"], [="x"], [0]. */
export function pathString(path: readonly string[]): string {
  return path.map((element) => {
    const kind = element.slice(0, 2);
    const rest = element.slice(2);
    switch (kind) {
      case 'f:':
        return `.${rest}`;
      case 'k:': {
        const keys = JSON.parse(rest) as Record<string, unknown>;
        return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      case 'v:':
        return `[=${rest}]`;
      case 'i:':
        return `[${rest}]`;
      default:
        return element;
    }
  }).join('');
}
