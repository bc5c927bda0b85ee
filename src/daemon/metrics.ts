// The daemon's Prometheus metrics, on a registry of its own (not prom-client's global
// one, so two daemons in one test process do not share counters). Names follow the
// Prometheus conventions: a `scalerd_` prefix, base units, `_total` for counters.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'scalerd_' });
  const registers = [registry];
  return {
    registry,
    desiredCapacity: new Gauge({ name: 'scalerd_desired_capacity', help: 'Nodes the schedule (or an override) wants per node group, after limits', labelNames: ['group'], registers }),
    observedCapacity: new Gauge({ name: 'scalerd_observed_capacity', help: 'The Auto Scaling group\'s DesiredCapacity as last observed', labelNames: ['group'], registers }),
    readyNodes: new Gauge({ name: 'scalerd_ready_nodes', help: 'Ready nodes of the node group\'s InService instances, as last observed', labelNames: ['group'], registers }),
    desiredReplicas: new Gauge({ name: 'scalerd_desired_replicas', help: 'Replicas the schedule (or an override) wants per workload', labelNames: ['workload'], registers }),
    observedReplicas: new Gauge({ name: 'scalerd_observed_replicas', help: 'The workload\'s replicas as last observed', labelNames: ['workload'], registers }),
    nodesDraining: new Gauge({ name: 'scalerd_nodes_draining', help: 'Nodes carrying scalerd\'s scale-down mark, as last observed', registers }),
    evictions: new Counter({ name: 'scalerd_evictions_total', help: 'Eviction requests by outcome', labelNames: ['result'], registers }),
    scaleOperations: new Counter({ name: 'scalerd_scale_operations_total', help: 'Node removals and additions by direction and result', labelNames: ['direction', 'result'], registers }),
    reconcileDuration: new Histogram({ name: 'scalerd_reconcile_duration_seconds', help: 'One reconcile, observe to the end of execution', buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900], registers }),
    errors: new Counter({ name: 'scalerd_errors_total', help: 'Failures by kind (observe, plan, execute, schedule, overrides, lease)', labelNames: ['kind'], registers }),
    leader: new Gauge({ name: 'scalerd_leader', help: '1 while this process holds the leader lease', registers }),
    lastSuccess: new Gauge({ name: 'scalerd_last_successful_reconcile_timestamp_seconds', help: 'When the last reconcile that finished its plan ended', registers }),
    scheduleReloadFailures: new Counter({ name: 'scalerd_schedule_reload_failures_total', help: 'Schedule files that changed and were rejected', registers }),
    scheduleStale: new Gauge({ name: 'scalerd_schedule_stale', help: '1 while the schedule file on disk is rejected and the last good one stays in force', registers }),
  };
}
