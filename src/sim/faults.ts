// Faults the simulator injects, changeable while it runs (in-process, or over
// /sim/faults for a simulator in a child process). Request faults apply to API calls;
// behaviour faults change what the simulated cluster does.

export type RequestFault = {
  readonly api: 'kube' | 'aws';
  /**
   * Which requests: "*" for all; Kubernetes: "<verb> <resource>[/<subresource>]" such as
   * "create pods/eviction", "list pods", "patch nodes", "*" in either part ("* pods");
   * AWS: the Action, e.g. "DescribeAutoScalingGroups".
   */
  readonly operation: string;
  /** Share of matching requests that fail, 0..1 (default 1 when `error` is set). */
  readonly errorRate?: number;
  /** Kubernetes: 429, 500, 503 or "timeout" (no answer until the client gives up). AWS: an error code such as Throttling, ServiceUnavailable, ScalingActivityInProgress. */
  readonly error?: 429 | 500 | 503 | 'timeout' | string;
  /** Added latency in real milliseconds. */
  readonly latencyMs?: number;
  /** Apply to at most this many matching requests, then stop. */
  readonly count?: number;
};

/** A selector: true for all, or a list of names (instance ids, node names, namespace/name). */
export type Selector = boolean | readonly string[];

export type BehaviourFaults = {
  /** Instances that launch but never join the cluster as Nodes. */
  readonly instancesNeverJoin?: Selector;
  /** Nodes that join but never turn Ready (by instance id or node name). */
  readonly nodesNeverReady?: Selector;
  /** Pods that never finish terminating (namespace/name). */
  readonly podsNeverTerminate?: Selector;
  /** PodDisruptionBudgets that never allow a disruption (namespace/name). */
  readonly pdbsNeverAllow?: Selector;
};

export type FaultDecision = { readonly latencyMs: number; readonly error?: RequestFault['error'] };

export type FaultsSnapshot = { readonly requests: readonly RequestFault[]; readonly behaviour: BehaviourFaults };

export class Faults {
  #requests: { rule: RequestFault; remaining: number }[] = [];
  #behaviour: BehaviourFaults = {};
  readonly #fired = new Map<string, number>();
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  set(snapshot: Partial<FaultsSnapshot>): void {
    if (snapshot.requests) this.#requests = snapshot.requests.map((rule) => ({ rule, remaining: rule.count ?? Infinity }));
    if (snapshot.behaviour) this.#behaviour = { ...snapshot.behaviour };
  }

  addRequestFault(rule: RequestFault): void {
    this.#requests.push({ rule, remaining: rule.count ?? Infinity });
  }

  setBehaviour(behaviour: BehaviourFaults): void {
    this.#behaviour = { ...this.#behaviour, ...behaviour };
  }

  clear(): void {
    this.#requests = [];
    this.#behaviour = {};
  }

  snapshot(): FaultsSnapshot {
    return { requests: this.#requests.filter((r) => r.remaining > 0).map((r) => r.rule), behaviour: this.#behaviour };
  }

  /** What happens to one request: the summed latency of matching rules and the first error that fires. */
  decide(api: RequestFault['api'], operation: string): FaultDecision {
    let latencyMs = 0;
    let error: RequestFault['error'] | undefined;
    for (const entry of this.#requests) {
      const { rule } = entry;
      if (rule.api !== api || entry.remaining <= 0 || !operationMatches(rule.operation, operation)) continue;
      entry.remaining--;
      latencyMs += rule.latencyMs ?? 0;
      if (error === undefined && rule.error !== undefined && this.#random() < (rule.errorRate ?? 1)) error = rule.error;
    }
    if (error === undefined) return { latencyMs };
    const key = `${api} ${String(error)}`;
    this.#fired.set(key, (this.#fired.get(key) ?? 0) + 1);
    return { latencyMs, error };
  }

  /** Errors injected so far, by "<api> <error>" ("kube 429", "aws Throttling"): proof that a fault test's faults fired. */
  fired(): Record<string, number> {
    return Object.fromEntries(this.#fired);
  }

  behaves(fault: keyof BehaviourFaults, ...names: (string | undefined)[]): boolean {
    const selector = this.#behaviour[fault];
    if (selector === undefined || selector === false) return false;
    if (selector === true) return true;
    return names.some((name) => name !== undefined && selector.includes(name));
  }
}

function operationMatches(pattern: string, operation: string): boolean {
  if (pattern === '*' || pattern === operation) return true;
  const [patternVerb, patternResource] = pattern.split(' ');
  const [verb, resource] = operation.split(' ');
  return (patternVerb === '*' || patternVerb === verb) && (patternResource === '*' || patternResource === resource);
}
