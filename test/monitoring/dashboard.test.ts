// The Grafana dashboard (deploy/grafana/scalerd.json), checked for what Grafana and its users
// need: a schemaVersion, unique panel ids, panels that do not overlap, every panel, target and
// annotation on the templated data source, the namespace and group variables applied, and a
// panel for each thing the issue lists. test/monitoring/prometheus.test.ts runs every query
// against a real Prometheus scraping scalerd.

import { describe, expect, it } from 'vitest';
import { dashboard, dashboardQueries, metricsIn } from './files.js';

const TEMPLATED = { type: 'prometheus', uid: '${datasource}' };

describe('the Grafana dashboard', () => {
  const d = dashboard();

  it('has a schemaVersion, a uid, and unique panel ids', () => {
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.uid).toBe('scalerd');
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  });

  it('lays its panels out on the 24-column grid without overlap', () => {
    const cells = new Map<string, number>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, `panel ${p.id}`).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const other = cells.get(`${i},${j}`);
          expect(other, `panel ${p.id} overlaps panel ${other}`).toBeUndefined();
          cells.set(`${i},${j}`, p.id);
        }
      }
    }
  });

  it('takes every panel, target and annotation from the templated data source', () => {
    const variable = d.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of d.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource, `panel ${p.id} ${p.title}`).toEqual(TEMPLATED);
      expect(p.targets?.length, `panel ${p.id} ${p.title}`).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource, `panel ${p.id} ${t.refId}`).toEqual(TEMPLATED);
    }
    for (const a of d.annotations.list.filter((x) => x.builtIn !== 1)) expect(a.datasource, a.name).toEqual(TEMPLATED);
    for (const v of d.templating.list.filter((x) => x.type === 'query')) expect(v.datasource, v.name).toEqual(TEMPLATED);
  });

  it('filters every metric it reads by $namespace, and every per-group one by $group', () => {
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'group']);
    for (const { where, expr } of dashboardQueries(d)) {
      if (where === 'variable $namespace') continue;
      for (const selector of expr.match(/\b(?:scalerd|haproxy)_[a-z_]+\{[^}]*\}/g) ?? []) {
        expect(selector, where).toContain('namespace=~"$namespace"');
        if (where !== 'variable $group' && /^scalerd_(desired_capacity|observed_capacity|ready_nodes|scale_down_nodes|schedule_window_active)\{/.test(selector)) expect(selector, where).toContain('group=~"$group"');
      }
    }
  });

  it('has a panel for each thing the issue lists', () => {
    const read = new Set(dashboardQueries(d).flatMap(({ expr }) => metricsIn(expr)));
    for (const metric of [
      // capacity per group, replicas per workload, nodes by phase
      'scalerd_desired_capacity', 'scalerd_observed_capacity', 'scalerd_ready_nodes', 'scalerd_desired_replicas', 'scalerd_observed_replicas', 'scalerd_scale_down_nodes',
      // eviction rate and refusals, drain and operation durations and outcomes
      'scalerd_evictions_total', 'scalerd_drain_duration_seconds_bucket', 'scalerd_scale_operation_duration_seconds_bucket', 'scalerd_scale_operations_total',
      // API errors by class, leader, schedule staleness, overrides, windows
      'scalerd_api_errors_total', 'scalerd_api_requests_total', 'scalerd_leader', 'scalerd_schedule_stale', 'scalerd_override_end_timestamp_seconds', 'scalerd_schedule_window_active',
      // the deployer: outcomes, switch and bake timings, requests and errors by version
      'scalerd_deployer_deployments_total', 'scalerd_deployer_switch_duration_seconds_bucket', 'scalerd_deployer_bake_duration_seconds_bucket',
      'haproxy_backend_http_requests_total', 'haproxy_backend_http_responses_total',
    ]) expect(read, metric).toContain(metric);
    // Windows and overrides as annotations on the time series.
    expect(d.annotations.list.map((a) => a.name)).toEqual(expect.arrayContaining(['Schedule windows', 'Overrides']));
  });
});
