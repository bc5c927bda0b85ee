// The console's JSON, as the daemon sends it and the page (web/) reads it: types only, and
// no imports, so the browser's build takes this file as it is. Every time is RFC 3339 in
// UTC, as /status gives it; `local` fields are in the schedule's zone.

export type SourceJson =
  | { readonly kind: 'default' }
  | { readonly kind: 'window'; readonly window: string; readonly class: string; readonly until: string }
  | { readonly kind: 'override'; readonly id: string; readonly until: string; readonly reason: string; readonly by: string };

export type StateJson = { readonly capacity: Readonly<Record<string, number>>; readonly replicas: Readonly<Record<string, number>> };

export type NodeProgressJson = { readonly phase: string; readonly evicted: number; readonly remaining: number; readonly message: string; readonly at: string };

export type ChangeJson = { readonly section: 'capacity' | 'replicas'; readonly key: string; readonly from: number; readonly to: number };

/** /status's document: the parts the console shows. */
export type StatusJson = {
  readonly role: 'leader' | 'standby' | 'starting';
  readonly dryRun: boolean;
  readonly identity: string;
  readonly leader: string | null;
  readonly schedule: { readonly path: string; readonly loadedAt: string; readonly stale: { readonly since: string; readonly diagnostics: readonly string[] } | null };
  readonly desired: {
    readonly at: string;
    readonly capacity: Readonly<Record<string, { readonly value: number; readonly source: SourceJson }>>;
    readonly replicas: Readonly<Record<string, { readonly value: number; readonly source: SourceJson }>>;
    readonly notes: readonly string[];
  } | null;
  readonly observed: {
    readonly at: string;
    readonly groups: Readonly<Record<string, { readonly asg: string; readonly found?: false; readonly desiredCapacity?: number; readonly minSize?: number; readonly maxSize?: number; readonly inService?: number; readonly readyNodes?: number }>>;
    readonly workloads: Readonly<Record<string, { readonly kind: string; readonly replicas: number; readonly available: number; readonly hpa: string | null }>>;
  } | null;
  readonly plan: {
    readonly at: string;
    readonly inProgress: boolean;
    readonly steps: readonly { readonly kind: string; readonly node?: string; readonly reason?: string }[];
    readonly blocked: readonly unknown[];
    readonly waiting: readonly unknown[];
    readonly nodes: Readonly<Record<string, NodeProgressJson>>;
  } | null;
  readonly last: { readonly startedAt: string; readonly finishedAt: string; readonly reasons: readonly string[]; readonly outcome: string; readonly message: string } | null;
  readonly lastError: { readonly at: string; readonly message: string } | null;
  readonly next: { readonly at: string; readonly local: string; readonly started: readonly string[]; readonly ended: readonly string[]; readonly changes: readonly ChangeJson[] } | null;
};

/** `override list -o json`'s entries too. */
export type OverrideJson = {
  readonly id: string;
  readonly state: 'pending' | 'active' | 'expired';
  readonly capacity: Readonly<Record<string, number>>;
  readonly replicas: Readonly<Record<string, number>>;
  readonly from: string;
  readonly until: string;
  readonly untilNextWindow: boolean;
  readonly reason: string;
  readonly by: string;
  readonly createdAt: string;
};

export type OverrideProblemJson = { readonly code: string; readonly key: string; readonly message: string };

/** GET /api/v1/overview, and each `overview` event of /api/v1/events. */
export type OverviewJson = {
  readonly status: StatusJson;
  readonly schedule: {
    readonly file: string;
    readonly timezone: string;
    readonly groups: readonly { readonly name: string; readonly asg: string; readonly min: number; readonly max: number }[];
    readonly workloads: readonly { readonly key: string; readonly kind: string | null; readonly min: number; readonly max: number }[];
  };
  /** Those not ended yet, newest first as the daemon applies them. */
  readonly overrides: readonly OverrideJson[];
  readonly overrideProblems: readonly OverrideProblemJson[];
  /** Whether the console takes changes (a token is configured and an override store is there). */
  readonly writable: boolean;
  /** The cluster's time when this was sent, and how fast it runs (the simulator's --speed; 1 in a real cluster). */
  readonly clock: { readonly now: string; readonly speed: number };
};

export type TimelinePointJson = {
  readonly at: string;
  readonly local: string;
  readonly state: StateJson;
  readonly sources: { readonly capacity: Readonly<Record<string, SourceJson>>; readonly replicas: Readonly<Record<string, SourceJson>> };
  /** Windows and overrides (`override <id>`) that start or end here. */
  readonly started: readonly string[];
  readonly ended: readonly string[];
};

/** GET /api/v1/timeline and POST /api/v1/timeline/preview. */
export type TimelineJson = {
  readonly timezone: string;
  readonly from: string;
  readonly to: string;
  readonly groups: readonly { readonly name: string; readonly min: number; readonly max: number }[];
  readonly workloads: readonly { readonly key: string; readonly min: number; readonly max: number }[];
  /** The state at `from`, then one point per change; each value holds until the next point. */
  readonly points: readonly TimelinePointJson[];
  readonly marks: {
    readonly dst: readonly { readonly at: string; readonly local: string; readonly offsetMinutes: number }[];
    readonly overrides: readonly { readonly id: string; readonly from: string; readonly until: string; readonly reason: string; readonly by: string; readonly draft: boolean }[];
    /** Where a window is in force because a date list (a holiday, a closure) brought it in. */
    readonly dateLists: readonly { readonly window: string; readonly from: string; readonly until: string }[];
  };
  /** With past days (?past=): what the history says was done then (src/console/done.ts). */
  readonly done?: DoneJson;
};

/** Per node group its Auto Scaling group's desired capacity, per workload its replicas, as steps: each value from its `at` on. */
export type DoneJson = {
  readonly capacity: Readonly<Record<string, readonly DoneStepJson[]>>;
  readonly replicas: Readonly<Record<string, readonly DoneStepJson[]>>;
};

export type DoneStepJson = {
  readonly at: string;
  readonly value: number;
  /** The history entry (scale operation) the value comes from, and how it ended. */
  readonly entry: string;
  readonly outcome: string;
};

/** What the console's override form sends (POST /api/v1/overrides, and the preview). */
export type OverrideRequestJson = {
  readonly capacity?: Readonly<Record<string, number>>;
  readonly replicas?: Readonly<Record<string, number>>;
  /** Exactly one of: a duration (3h, 1d12h), … */
  readonly for?: string;
  /** … a local time in the schedule's zone or an instant with an offset, … */
  readonly until?: string;
  /** … or until the schedule's desired state next changes. */
  readonly untilNextWindow?: boolean;
  readonly reason?: string;
};

export type HistoryEntryJson = {
  readonly id: string;
  readonly start: string;
  readonly end: string;
  readonly direction: 'up' | 'down' | 'mixed' | 'rollback';
  readonly outcome: 'done' | 'failed' | 'stopped' | 'complete';
  readonly message: string;
  readonly groups: Readonly<Record<string, { readonly from: number; readonly to: number }>>;
  readonly added: number;
  /** evicted/refused/forced: absent in entries written before they were counted. */
  readonly nodes: readonly { readonly node: string; readonly group: string | undefined; readonly result: string; readonly reason: string; readonly evicted?: number; readonly refused?: number; readonly forced?: number }[];
  readonly workloads: Readonly<Record<string, { readonly from: number; readonly to: number }>>;
  readonly reason: string;
  readonly by: string;
  readonly completedAt?: string;
};

/** The deployer's GET /apps: one app as it is now (src/deployer/service/apps.ts). */
export type AppStateJson = {
  readonly namespace: string;
  readonly app: string;
  /** Each hostname of the app and the version it serves now (null: no backend). */
  readonly frontends: readonly { readonly host: string; readonly version: number | null }[];
  /** Versions with a Deployment or Service in the cluster (terminating ones marked), or a backend in the load balancer. */
  readonly versions: readonly { readonly version: number; readonly inCluster: boolean; readonly terminating: boolean; readonly inLoadBalancer: boolean }[];
  /** The deployment under way, if one is. */
  readonly running: string | null;
  /** The newest deployment, undeploy or reconcile of the app. */
  readonly last: { readonly id: string; readonly kind: string; readonly version: number; readonly status: string; readonly phase: string; readonly reason?: string; readonly updatedAt: number } | null;
};

/** A deployment record as the deployer's API gives it: the parts the console shows (times in ms since the epoch). */
export type DeploymentJson = {
  readonly id: string;
  readonly namespace: string;
  readonly app: string;
  readonly version: number;
  readonly previousVersion?: number;
  readonly phase: string;
  readonly status: 'RUNNING' | 'SUCCESS' | 'FAILURE';
  readonly reason?: string;
  readonly kind?: 'undeploy' | 'reconcile';
  readonly phases: readonly { readonly phase: string; readonly at: number }[];
};

/** A line of a deployment's log. */
export type LogLineJson = { readonly at: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

/** GET /api/v1/console: what this console shows. `deployer`: the deployer API's base path from the page ('' at the root), or null: no deployer. */
export type ConsoleLayoutJson = { readonly daemon: boolean; readonly deployer: string | null };

/** Every refusal: `{ "error": { code, message, details? } }`. */
export type ErrorJson = { readonly error: { readonly code: string; readonly message: string; readonly details?: unknown } };
