// The deployer's Prometheus metrics, served at /metrics on its API's port (no token, as the
// daemon's: they name apps and outcomes, never a secret). A registry of its own, as the
// daemon's. The requests and errors by version are haproxy's own exporter's
// (haproxy_backend_* of each version's backend, docs/deployer-lb.md): the deployer counts
// what it decides, haproxy what it serves.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '../daemon/metrics.js';
import { type DeploymentRecord, enteredAt } from './state/records.js';

/** How a deployment ended, as its webhooks say: the label values of scalerd_deployer_deployments_total. */
export const DEPLOYMENT_OUTCOMES = ['succeeded', 'failed', 'rolled-back'] as const;
export type DeploymentOutcome = (typeof DEPLOYMENT_OUTCOMES)[number];

export const outcomeOf = (record: Pick<DeploymentRecord, 'status' | 'switched'>): DeploymentOutcome =>
  (record.status === 'SUCCESS' ? 'succeeded' : record.switched ? 'rolled-back' : 'failed');

export type DeployerMetrics = ReturnType<typeof createDeployerMetrics>;

export function createDeployerMetrics() {
  const registry = new Registry();
  collectProcessMetrics(registry, 'scalerd_deployer_');
  const registers = [registry];
  const deployments = new Counter({ name: 'scalerd_deployer_deployments_total', help: `Deployments that ended, by outcome (${DEPLOYMENT_OUTCOMES.join(', ')})`, labelNames: ['outcome'], registers });
  // At 0 from the first scrape: an alert's increase() sees the first failure.
  for (const outcome of DEPLOYMENT_OUTCOMES) deployments.inc({ outcome }, 0);
  const duration = new Histogram({ name: 'scalerd_deployer_deployment_duration_seconds', help: 'A deployment from its acceptance to its end, by outcome', labelNames: ['outcome'], buckets: [30, 60, 120, 300, 600, 1200, 1800, 3600], registers });
  const switchDuration = new Histogram({ name: 'scalerd_deployer_switch_duration_seconds', help: 'Moving traffic to the new version: from the switch\'s start to haproxy serving it (lb-sync\'s acknowledgement), per deployment', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers });
  const bakeDuration = new Histogram({ name: 'scalerd_deployer_bake_duration_seconds', help: 'The bake after a switch, by verdict (clean, breach)', labelNames: ['verdict'], buckets: [10, 30, 60, 120, 300, 600, 1200, 1800], registers });
  const inProgress = new Gauge({ name: 'scalerd_deployer_deployments_in_progress', help: 'Deployments, undeploys and resumes this deployer is running now', registers });
  return {
    registry,
    inProgress,
    /** A deployment's end (undeploys and reconciles are not deployments: not counted). */
    ended(record: DeploymentRecord): void {
      if (record.kind !== undefined) return;
      const outcome = outcomeOf(record);
      deployments.inc({ outcome });
      duration.observe({ outcome }, Math.max(0, record.updatedAt - record.createdAt) / 1000);
      const switching = enteredAt(record, 'switching');
      // The switch is done when verifying begins; a switch that failed went to rolling-back instead.
      const verifying = switching === undefined ? undefined : record.phases.find((p) => p.at >= switching && p.phase !== 'switching');
      if (switching !== undefined && verifying?.phase === 'verifying') switchDuration.observe(Math.max(0, verifying.at - switching) / 1000);
      const bake = record.bake;
      if (bake?.verdict !== undefined && bake.figures !== undefined) bakeDuration.observe({ verdict: bake.verdict }, bake.figures.elapsedMs / 1000);
    },
  };
}
