// Faults the simulator injects, changeable while it runs (in-process, or over
// /sim/faults for a simulator in a child process). Request faults apply to API calls,
// either before a request is applied (it fails, nothing changes) or after (it is applied,
// and its answer is lost: the case a retry must be safe in); behaviour faults change what
// the simulated cluster does.

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
  /**
   * Before (the default `when`): Kubernetes 429, 500, 503; AWS an error code such as
   * Throttling, ServiceUnavailable, ScalingActivityInProgress; either API "timeout" (no
   * answer until the client gives up) or "reset" (the connection is destroyed unanswered).
   * After: one of the lost answers, "reset", 500 or "timeout" (LostAnswer).
   */
  readonly error?: 429 | 500 | 503 | 'timeout' | 'reset' | string;
  /**
   * When the fault strikes. "before" (default): the request fails and nothing is applied.
   * "after": the request is applied — the change is committed, as the API server or AWS
   * would have committed it — and then its answer is lost (`error` says how). Only a request
   * the server carried out (a 2xx answer) loses its answer: a refusal is answered, and
   * `count` counts only requests carried out. Watches and pod logs are never touched.
   */
  readonly when?: 'before' | 'after';
  /** Added latency in real milliseconds (with "after", between the commit and the answer). */
  readonly latencyMs?: number;
  /** Apply to at most this many matching requests, then stop. */
  readonly count?: number;
};

/**
 * How an answer is lost after its request was applied: "reset" destroys the connection,
 * 500 answers an error (Kubernetes InternalError, AWS InternalFailure), "timeout" never
 * answers (the client's own timeout ends the exchange).
 */
export type LostAnswer = 'reset' | 500 | 'timeout';

export const LOST_ANSWERS: readonly LostAnswer[] = ['reset', 500, 'timeout'];

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

/** What happens to the answer of a request that was applied: added latency, and how it is lost (if it is). */
export type AnswerDecision = { readonly latencyMs: number; readonly lost?: LostAnswer };

export type FaultsSnapshot = { readonly requests: readonly RequestFault[]; readonly behaviour: BehaviourFaults };

type Entry = { readonly rule: RequestFault; remaining: number };

export class Faults {
  #requests: Entry[] = [];
  #behaviour: BehaviourFaults = {};
  readonly #fired = new Map<string, number>();
  readonly #lost = new Map<string, number>();
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Replaces the request faults and/or the behaviour faults; a rule no server could follow is refused whole (RangeError), nothing changed. */
  set(snapshot: Partial<FaultsSnapshot>): void {
    snapshot.requests?.forEach(checkRule);
    if (snapshot.requests) this.#requests = snapshot.requests.map(entryOf);
    if (snapshot.behaviour) this.#behaviour = { ...snapshot.behaviour };
  }

  addRequestFault(rule: RequestFault): void {
    checkRule(rule);
    this.#requests.push(entryOf(rule));
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

  /** What happens to one request before it is applied: the summed latency of matching rules and the first error that fires ("after" rules wait for answer()). */
  decide(api: RequestFault['api'], operation: string): FaultDecision {
    const { latencyMs, error } = this.#match(api, operation, 'before');
    if (error === undefined) return { latencyMs };
    count(this.#fired, `${api} ${String(error)}`);
    return { latencyMs, error };
  }

  /**
   * What happens to the answer of a request the server carried out (a 2xx, the change
   * committed): the "after" rules' latency, and whether the answer is lost, and how.
   */
  answer(api: RequestFault['api'], operation: string): AnswerDecision {
    const { latencyMs, error } = this.#match(api, operation, 'after');
    if (error === undefined) return { latencyMs };
    const lost = error as LostAnswer; // checkRule let no other error into an "after" rule
    count(this.#lost, `${api} ${operation} ${String(lost)}`);
    return { latencyMs, lost };
  }

  /** Errors injected before requests so far, by "<api> <error>" ("kube 429", "aws Throttling"): proof that a fault test's faults fired. */
  fired(): Record<string, number> {
    return Object.fromEntries(this.#fired);
  }

  /**
   * Answers lost after their request was applied, by "<api> <operation> <mode>" with the
   * request's own operation ("kube patch nodes reset", "aws SetDesiredCapacity 500",
   * "kube create pods/eviction timeout"): proof that each kind of lost answer happened.
   */
  lostAnswers(): Record<string, number> {
    return Object.fromEntries(this.#lost);
  }

  behaves(fault: keyof BehaviourFaults, ...names: (string | undefined)[]): boolean {
    const selector = this.#behaviour[fault];
    if (selector === undefined || selector === false) return false;
    if (selector === true) return true;
    return names.some((name) => name !== undefined && selector.includes(name));
  }

  /** The summed latency of the matching rules of this kind, and the first error that fires; each match spends one of its rule's count. */
  #match(api: RequestFault['api'], operation: string, when: 'before' | 'after'): FaultDecision {
    let latencyMs = 0;
    let error: RequestFault['error'] | undefined;
    for (const entry of this.#requests) {
      const { rule } = entry;
      if (rule.api !== api || (rule.when ?? 'before') !== when || entry.remaining <= 0 || !operationMatches(rule.operation, operation)) continue;
      entry.remaining--;
      latencyMs += rule.latencyMs ?? 0;
      if (error === undefined && rule.error !== undefined && this.#random() < (rule.errorRate ?? 1)) error = rule.error;
    }
    return error === undefined ? { latencyMs } : { latencyMs, error };
  }
}

const entryOf = (rule: RequestFault): Entry => ({ rule, remaining: rule.count ?? Infinity });

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Refuses a rule that cannot mean anything: an unknown `when`, or an "after" rule whose error is not a lost answer. */
function checkRule(rule: RequestFault): void {
  const when = rule.when ?? 'before';
  if (when !== 'before' && when !== 'after') throw new RangeError(`request fault on ${rule.api} ${rule.operation}: when must be "before" or "after", not ${JSON.stringify(rule.when)}`);
  if (when === 'after' && !LOST_ANSWERS.includes(rule.error as LostAnswer)) {
    throw new RangeError(`request fault on ${rule.api} ${rule.operation}: an answer lost after the request was applied is "reset", 500 or "timeout", not ${JSON.stringify(rule.error)}`);
  }
}

function operationMatches(pattern: string, operation: string): boolean {
  if (pattern === '*' || pattern === operation) return true;
  const [patternVerb, patternResource] = pattern.split(' ');
  const [verb, resource] = operation.split(' ');
  return (patternVerb === '*' || patternVerb === verb) && (patternResource === '*' || patternResource === resource);
}
