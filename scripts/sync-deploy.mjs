// Files kept in two shapes, made from one source: the Helm chart's copies of files kept
// elsewhere in the repository (helm packages only what is inside charts/scalerd/, so
// `.Files.Get` cannot reach schedules/ or deploy/), and the alert rules wrapped as a
// PrometheusRule for the kustomize component deploy/prometheus (kustomize cannot put a
// file's content into an object's spec). Run `node scripts/sync-deploy.mjs` after changing
// a source; test/deploy/chart.test.ts fails, naming this command, while one differs.
//
// A plain .mjs file, like build.mjs: no build needed before it runs.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each copy as [source, copy in the chart], relative to the repository's root. */
export const CHART_COPIES = [
  // The schedule the chart installs when no --set-file schedule=… is given (as deploy/ does).
  ['schedules/example.json', 'charts/scalerd/files/schedule.json'],
  // The IAM policy scalerd's role needs, for users who install from the chart alone.
  ['deploy/iam-policy.json', 'charts/scalerd/files/iam-policy.json'],
  // The alert rules and the Grafana dashboard, for prometheusRule.enabled and grafanaDashboard.enabled.
  ['deploy/prometheus/rules.yaml', 'charts/scalerd/files/rules.yaml'],
  ['deploy/grafana/scalerd.json', 'charts/scalerd/files/dashboard.json'],
];

/** The rules file as a PrometheusRule: its groups, indented under spec, word for word. */
export function prometheusRule(rules) {
  // From the top-level key on: the file's header comments may say "groups" too.
  const start = rules.search(/^groups:/m);
  if (start < 0) throw new Error('deploy/prometheus/rules.yaml has no top-level "groups:"');
  const groups = rules.slice(start);
  return [
    '# Generated from deploy/prometheus/rules.yaml by scripts/sync-deploy.mjs: edit the rules there.',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PrometheusRule',
    'metadata:',
    '  name: scalerd',
    '  # Named here: a component is applied by the overlay, outside deploy/\'s namespace setting.',
    '  namespace: scalerd',
    'spec:',
    ...groups.trimEnd().split('\n').map((line) => (line === '' ? '' : `  ${line}`)),
    '',
  ].join('\n');
}

/** Each generated file as [source, generated file, how]. */
export const GENERATED = [
  ['deploy/prometheus/rules.yaml', 'deploy/prometheus/prometheusrule.yaml', prometheusRule],
];

/** Copies every source over its copy in the chart and writes every generated file. */
export function syncDeploy(root = ROOT) {
  for (const [source, copy] of CHART_COPIES) {
    mkdirSync(dirname(join(root, copy)), { recursive: true });
    copyFileSync(join(root, source), join(root, copy));
  }
  for (const [source, target, make] of GENERATED) writeFileSync(join(root, target), make(readFileSync(join(root, source), 'utf8')));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) syncDeploy();
