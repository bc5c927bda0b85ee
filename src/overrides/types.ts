// Capacity overrides: a person's "workers=12 for 3h, because…", on top of the schedule.
// Values only: the codec reads and writes them, apply.ts resolves them against the
// schedule's desired state, the store keeps them in a ConfigMap.

/** One override as scalerd works with it. Times are epoch milliseconds. */
export type Override = {
  /** Short and unique within the ConfigMap: it is the entry's key there (`override clear <id>`). */
  readonly id: string;
  /** Node-group name → capacity; absent when the override sets only replicas. */
  readonly capacity?: Readonly<Record<string, number>>;
  /** Workload key (`namespace/name`) → replicas; absent when it sets only capacity. */
  readonly replicas?: Readonly<Record<string, number>>;
  /** In force from `from` (inclusive) … */
  readonly from: number;
  /** … to `until` (exclusive); after that it is ignored, and dropped at the next write. */
  readonly until: number;
  /**
   * Set with --until-next-window: `until` was resolved, when the override was set, to the
   * schedule's next change. Kept so a listing can say why it ends then.
   */
  readonly untilNextWindow?: boolean;
  readonly reason: string;
  /** Who set it: $USER and the kubeconfig user, as the CLI found them. */
  readonly by: string;
  readonly createdAt: number;
};

/** An override before the store gives it an id. */
export type OverrideDraft = Omit<Override, 'id'>;

/** An entry of the ConfigMap that cannot be used: reported, skipped, never fatal. */
export type OverrideProblem = {
  readonly code: 'SCALERD_ERR_OVERRIDE_ENTRY';
  /** The ConfigMap key of the entry. */
  readonly key: string;
  /** What is wrong and where (`/capacity/workers: …`), and how to fix it. */
  readonly message: string;
};

/** What the ConfigMap holds: the usable overrides, and the entries that are not. */
export type OverrideSet = {
  readonly overrides: readonly Override[];
  readonly problems: readonly OverrideProblem[];
};

/** The phases of an override at an instant. */
export type OverridePhase = 'pending' | 'active' | 'expired';

export function phaseAt(override: Override, now: number): OverridePhase {
  if (now >= override.until) return 'expired';
  return now < override.from ? 'pending' : 'active';
}
