// Facts the simulator records for tests and benchmarks: what scalerd (or kubectl) did
// to the cluster, and every broken invariant, with the simulated time it happened.

export type Fact =
  | { kind: 'eviction'; at: number; client: string; pod: string; uid: string; node: string | undefined; result: 'accepted' | 'refused'; code: number; reason: string }
  | { kind: 'pdb-violation'; at: number; pdb: string; healthy: number; desiredHealthy: number; cause: string }
  | { kind: 'pod-killed'; at: number; pod: string; node: string; instanceId: string; cause: string }
  | { kind: 'cordon'; at: number; client: string; node: string; unschedulable: boolean }
  | { kind: 'instance-terminated'; at: number; instanceId: string; group: string; podsOnNode: number; cause: string }
  | { kind: 'mutation'; at: number; client: string; api: 'kube' | 'aws'; operation: string; target: string };

export type FactKind = Fact['kind'];

export class Recorder {
  readonly #facts: Fact[] = [];
  readonly #requests = new Map<string, number>();

  readonly #listeners = new Set<(fact: Fact) => void>();

  record(fact: Fact): void {
    this.#facts.push(fact);
    for (const listener of this.#listeners) listener(fact);
  }

  /** Every fact as it is recorded. Returns the unsubscribe function. */
  subscribe(listener: (fact: Fact) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Counts a request by endpoint ("GET /api/v1/pods", "aws DescribeAutoScalingGroups"). */
  countRequest(endpoint: string): void {
    this.#requests.set(endpoint, (this.#requests.get(endpoint) ?? 0) + 1);
  }

  facts<K extends FactKind>(kind: K): Extract<Fact, { kind: K }>[] {
    return this.#facts.filter((f): f is Extract<Fact, { kind: K }> => f.kind === kind);
  }

  all(): readonly Fact[] {
    return this.#facts;
  }

  requests(): Record<string, number> {
    return Object.fromEntries(this.#requests);
  }

  clear(): void {
    this.#facts.length = 0;
    this.#requests.clear();
  }
}
