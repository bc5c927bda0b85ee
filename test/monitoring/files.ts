// What scalerd ships for Prometheus and Grafana, read as the tests need them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from '../deploy/render.js';

export type AlertRule = { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> };

export const RULES_FILE = join(ROOT, 'deploy/prometheus/rules.yaml');

export const alertRules = (): AlertRule[] =>
  (yaml.load(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);

export const DASHBOARD_FILE = join(ROOT, 'deploy/grafana/scalerd.json');

export type Target = { refId: string; expr: string; legendFormat?: string; datasource?: { type: string; uid: string } };
export type Panel = { id: number; type: string; title: string; datasource?: { type: string; uid: string }; gridPos: { h: number; w: number; x: number; y: number }; targets?: Target[] };
export type Dashboard = {
  schemaVersion: number; uid: string; title: string; panels: Panel[];
  annotations: { list: { name: string; datasource: { type: string; uid: string }; expr?: string; builtIn?: number }[] };
  templating: { list: { name: string; type: string; query: unknown; datasource?: { type: string; uid: string } }[] };
};

export const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;

/** Every PromQL expression the dashboard runs: its panels' targets, its annotations, its variables' label_values(). */
export function dashboardQueries(d: Dashboard = dashboard()): { where: string; expr: string }[] {
  const panels = d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr })));
  const annotations = d.annotations.list.filter((a) => a.expr !== undefined).map((a) => ({ where: `annotation "${a.name}"`, expr: a.expr! }));
  const variables = d.templating.list.filter((v) => v.type === 'query').map((v) => {
    const query = (v.query as { query: string }).query;
    const m = /^label_values\((.+),\s*([a-z_]+)\)$/.exec(query);
    if (!m) throw new Error(`variable ${v.name}: a label_values(<selector>, <label>) query, not ${query}`);
    return { where: `variable $${v.name}`, expr: m[1]! };
  });
  return [...panels, ...annotations, ...variables];
}

/** The metric names an expression reads: scalerd's, haproxy's, and `up{…}`. */
export const metricsIn = (expr: string): string[] => [...new Set(expr.match(/\b(?:scalerd|haproxy)_[a-z_]+\b|\bup(?=\{)/g) ?? [])];
