// The daemon's Prometheus metrics, on a registry of its own (not prom-client's global
// one, so two daemons in one test process do not share counters). Names follow the
// Prometheus conventions: a `scalerd_` prefix, base units, `_total` for counters.
// README ("The daemon: scalerd run") lists them; test/daemon/metrics.test.ts keeps the two in step.
//
// Two error counters, for two questions. scalerd_errors_total{kind}: what failed of
// scalerd's own work (a reconcile that could not observe, a step, a rejected schedule, a
// lost event…), one count per failure, whatever API calls it took. scalerd_api_errors_total
// {api,operation,class}: every Kubernetes and AWS call attempt that failed, the ones a
// retry then masked included, as the adapters report them (src/ports/api-errors.ts). A
// labelled series appears only once it is set, and rate() cannot see the step from no
// series to 1, so every series either counter can have starts at 0.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EVICTION_OUTCOMES } from '../actuate/types.js';
import { PHASES } from '../plan/marks.js';
import { API_ERROR_CLASSES, type ApiCallObserver, type ApiName } from '../ports/api-errors.js';

/** What of scalerd's own work failed: the label values of scalerd_errors_total. */
export const ERROR_KINDS = [
  /** A reconcile could not observe the cluster or AWS (or, standing by, reach them). */
  'observe',
  /** A step of a plan failed. */
  'execute',
  /** The schedule file changed and was rejected. */
  'schedule',
  /** Watching the overrides ConfigMap failed (it is watched again after a back-off). */
  'overrides',
  /** A round of leader election could not read or write the Lease, or the release failed. */
  'lease',
  /** A Kubernetes Event could not be written. */
  'events',
  /** The history ConfigMap could not be written. */
  'history',
  /** A bug: a reconcile threw what is not a remote failure. */
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export type Metrics = ReturnType<typeof createMetrics>;

/** The outcomes of scalerd_scale_operations_total whose series start at 0 (an alert's increase() sees the first failure). */
const OPERATION_OUTCOMES: readonly { direction: string; results: readonly string[] }[] = [
  { direction: 'down', results: ['removed', 'rolled-back', 'failed', 'stopped'] },
  { direction: 'rollback', results: ['rolled-back', 'failed', 'stopped'] },
  { direction: 'up', results: ['done', 'failed', 'stopped'] },
];

/** Scale operations and drains take seconds to an hour: buckets from 10 s to 2 h. */
const OPERATION_BUCKETS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/**
 * prom-client's process and Node.js metrics, under `prefix`, without the three gauges it
 * names `…_total` (nodejs_active_handles_total, _requests_total, _resources_total), which
 * `promtool check metrics` rightly refuses: a `_total` is a counter's. Each is the sum of the
 * gauge of the same name without `_total`, which stays (by type).
 */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(`${prefix}${name}`);
}

export function createMetrics() {
  const registry = new Registry();
  collectProcessMetrics(registry, 'scalerd_');
  const registers = [registry];
  const errors = new Counter({ name: 'scalerd_errors_total', help: `Failures of scalerd's own work by kind (${ERROR_KINDS.join(', ')})`, labelNames: ['kind'], registers });
  for (const kind of ERROR_KINDS) errors.inc({ kind }, 0);
  const evictions = new Counter({ name: 'scalerd_evictions_total', help: 'Eviction requests by outcome (never a dry run\'s)', labelNames: ['result'], registers });
  for (const result of EVICTION_OUTCOMES) evictions.inc({ result }, 0);
  const scaleOperations = new Counter({ name: 'scalerd_scale_operations_total', help: 'Node removals and additions by direction and result (never a dry run\'s)', labelNames: ['direction', 'result'], registers });
  for (const { direction, results } of OPERATION_OUTCOMES) for (const result of results) scaleOperations.inc({ direction, result }, 0);
  return {
    registry,
    desiredCapacity: new Gauge({ name: 'scalerd_desired_capacity', help: 'Nodes the schedule (or an override) wants per node group, after limits', labelNames: ['group'], registers }),
    observedCapacity: new Gauge({ name: 'scalerd_observed_capacity', help: 'The Auto Scaling group\'s DesiredCapacity as last observed', labelNames: ['group'], registers }),
    readyNodes: new Gauge({ name: 'scalerd_ready_nodes', help: 'Ready nodes of the node group\'s InService instances, as last observed', labelNames: ['group'], registers }),
    desiredReplicas: new Gauge({ name: 'scalerd_desired_replicas', help: 'Replicas the schedule (or an override) wants per workload', labelNames: ['workload'], registers }),
    observedReplicas: new Gauge({ name: 'scalerd_observed_replicas', help: 'The workload\'s replicas as last observed', labelNames: ['workload'], registers }),
    /** Every group's four phases, 0 included, so that a panel stacks them from the first scrape. */
    scaleDownNodes: new Gauge({ name: 'scalerd_scale_down_nodes', help: `Nodes carrying scalerd's scale-down mark, by node group and phase (${PHASES.join(', ')}), as last observed`, labelNames: ['group', 'phase'], registers }),
    /** One series per marked node (a handful at a time): the alert on a node stuck on its way out. */
    scaleDownStarted: new Gauge({ name: 'scalerd_scale_down_node_start_timestamp_seconds', help: 'When scalerd began removing each node it has marked, by node group, node and phase (its mark\'s startedAt)', labelNames: ['group', 'node', 'phase'], registers }),
    evictions,
    /**
     * A dry run's calls, counted apart: a series of its own, not a label on the real ones, so
     * that no query over the real series (sum(rate(scalerd_evictions_total[5m]))) can count
     * what a dry run only pretended.
     */
    dryRunActions: new Counter({ name: 'scalerd_dry_run_actions_total', help: 'Mutating calls a dry run would have made, by action', labelNames: ['action'], registers }),
    scaleOperations,
    scaleOperationDuration: new Histogram({ name: 'scalerd_scale_operation_duration_seconds', help: 'A node\'s removal from its mark to its end, or a scale-up from its call to every node Ready (never a dry run\'s)', labelNames: ['direction', 'result'], buckets: OPERATION_BUCKETS, registers }),
    drainDuration: new Histogram({ name: 'scalerd_drain_duration_seconds', help: 'A node\'s drain, from its mark to no pod left to evict (never a dry run\'s)', buckets: OPERATION_BUCKETS, registers }),
    reconcileDuration: new Histogram({ name: 'scalerd_reconcile_duration_seconds', help: 'One reconcile, observe to the end of execution', buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900], registers }),
    apiRequests: new Counter({ name: 'scalerd_api_requests_total', help: 'Kubernetes and AWS API call attempts, retried ones included, by API and operation', labelNames: ['api', 'operation'], registers }),
    apiErrors: new Counter({ name: 'scalerd_api_errors_total', help: 'Failed Kubernetes and AWS API call attempts, retried ones included, by API, operation and class', labelNames: ['api', 'operation', 'class'], registers }),
    leader: new Gauge({ name: 'scalerd_leader', help: '1 while this process holds the leader lease', registers }),
    lastSuccess: new Gauge({ name: 'scalerd_last_successful_reconcile_timestamp_seconds', help: 'When the last reconcile that finished its plan ended', registers }),
    scheduleReloadFailures: new Counter({ name: 'scalerd_schedule_reload_failures_total', help: 'Schedule files that changed and were rejected', registers }),
    scheduleStale: new Gauge({ name: 'scalerd_schedule_stale', help: '1 while the schedule file on disk is rejected and the last good one stays in force', registers }),
    windowActive: new Gauge({ name: 'scalerd_schedule_window_active', help: '1 for the schedule window that sets each node group\'s capacity now (no series: the default)', labelNames: ['group', 'window'], registers }),
    overrideEnd: new Gauge({ name: 'scalerd_override_end_timestamp_seconds', help: 'When each override in force ends, by override id and what it sets (group/<name> or workload/<namespace>/<name>)', labelNames: ['override', 'target'], registers }),
    /** One failure of scalerd's own work (scalerd_errors_total). */
    countError(kind: ErrorKind): void {
      errors.inc({ kind });
    },
  };
}

/**
 * The adapters' observer, counting into scalerd_api_requests_total and
 * scalerd_api_errors_total. `operations` are the calls each API's adapter can make
 * (CLUSTER_OPERATIONS, AWS_OPERATIONS): their series start at 0 for every class, so a
 * failure is a step rate() sees from the first one.
 */
export function apiCallObserver(metrics: Metrics, operations: Readonly<Record<ApiName, readonly string[]>>): ApiCallObserver {
  for (const api of Object.keys(operations) as ApiName[]) {
    for (const operation of operations[api]) {
      metrics.apiRequests.inc({ api, operation }, 0);
      for (const errorClass of API_ERROR_CLASSES) metrics.apiErrors.inc({ api, operation, class: errorClass }, 0);
    }
  }
  return (api, operation, outcome) => {
    metrics.apiRequests.inc({ api, operation });
    if (outcome !== 'ok') metrics.apiErrors.inc({ api, operation, class: outcome });
  };
}
