// What scalerd ships for Prometheus and Grafana, read as the tests need them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from '../deploy/render.js';

export type AlertRule = { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> };

export const RULES_FILE = join(ROOT, 'deploy/prometheus/rules.yaml');

export const alertRules = (): AlertRule[] =>
  (yaml.load(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);
