// The compiled, validated schedule: what evaluation works on. Built by compile.ts from a
// document that passed validation; never constructed from unchecked input.

import type { Cron } from './cron.js';
import type { DaySet } from './day-set.js';
import type { LocalDateTime } from './calendar.js';
import type { Zone } from './zone.js';

export type NodeGroup = {
  /** The key users write in the schedule and on the command line (`--group workers=12`). */
  readonly name: string;
  /** The Auto Scaling group's name; defaults to `name`. */
  readonly asg: string;
  readonly min: number;
  readonly max: number;
};

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export type Workload = {
  /** `namespace/name`, as written in the schedule. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** Undefined: resolved against the cluster, which must hold exactly one workload of that name. */
  readonly kind: WorkloadKind | undefined;
  readonly min: number;
  readonly max: number;
};

/** Desired values: node-group name → capacity, workload key → replicas. */
export type State = {
  readonly capacity: Readonly<Record<string, number>>;
  readonly replicas: Readonly<Record<string, number>>;
};

export type PartialState = {
  readonly capacity: Readonly<Partial<Record<string, number>>>;
  readonly replicas: Readonly<Partial<Record<string, number>>>;
};

/**
 * Precedence classes, strongest last. An occurrence of a weekly or cron window is in class
 * `date-list` when only a date list (`alsoOn`) brings it in: its own days or cron date
 * fields would not start it on that date.
 */
export type WindowClass = 'recurring' | 'date-list' | 'absolute';
export const CLASS_RANK: Readonly<Record<WindowClass, number>> = { recurring: 0, 'date-list': 1, absolute: 2 };

export type WeeklyRule = {
  readonly type: 'weekly';
  /** ISO weekdays (1 = Monday) on which an occurrence starts. */
  readonly days: ReadonlySet<number>;
  readonly fromMinute: number;
  /** May be 1440 ("24:00"); when ≤ fromMinute the occurrence ends on the next day. */
  readonly toMinute: number;
};

export type CronRule = { readonly type: 'cron'; readonly cron: Cron; readonly durationMs: number };

export type AbsoluteRule = { readonly type: 'absolute'; readonly from: LocalDateTime; readonly to: LocalDateTime };

export type Rule = WeeklyRule | CronRule | AbsoluteRule;

export type Window = {
  readonly name: string;
  /** Position in the file: a later window wins over an earlier one of equal rank. */
  readonly index: number;
  readonly priority: number;
  readonly zone: Zone;
  readonly rule: Rule;
  /** Epoch days on which an occurrence also starts (from `alsoOn` date lists). */
  readonly alsoOn: DaySet;
  /** Epoch days on which no occurrence starts (from `exceptOn` date lists). */
  readonly exceptOn: DaySet;
  readonly set: PartialState;
};

export type Schedule = {
  readonly zone: Zone;
  readonly nodeGroups: readonly NodeGroup[];
  readonly workloads: readonly Workload[];
  readonly defaults: State;
  readonly windows: readonly Window[];
};

/** One stretch of time during which a window is in force. [start, end) in epoch ms. */
export type Occurrence = {
  readonly window: Window;
  readonly start: number;
  readonly end: number;
  readonly class: WindowClass;
};

/** Where a desired value came from. */
export type Source =
  | { readonly kind: 'default' }
  | { readonly kind: 'window'; readonly window: string; readonly class: WindowClass; readonly start: number; readonly end: number };

export type FieldRef = { readonly section: 'capacity' | 'replicas'; readonly key: string };

/** The desired state at an instant, with the source of every value. */
export type Desired = {
  readonly state: State;
  readonly sources: {
    readonly capacity: Readonly<Record<string, Source>>;
    readonly replicas: Readonly<Record<string, Source>>;
  };
};
