// The Helm chart's copies of files kept elsewhere in the repository: helm packages only what
// is inside charts/scalerd/, so `.Files.Get` cannot reach schedules/ or deploy/. Run
// `node scripts/sync-chart.mjs` after changing a source; test/deploy/chart.test.ts fails,
// naming this command, while a copy differs from its source.
//
// A plain .mjs file, like build.mjs: no build needed before it runs.

import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each copy as [source, copy in the chart], relative to the repository's root. */
export const CHART_COPIES = [
  // The schedule the chart installs when no --set-file schedule=… is given (as deploy/ does).
  ['schedules/example.json', 'charts/scalerd/files/schedule.json'],
  // The IAM policy scalerd's role needs, for users who install from the chart alone.
  ['deploy/iam-policy.json', 'charts/scalerd/files/iam-policy.json'],
];

/** Copies every source over its copy in the chart. */
export function syncChart(root = ROOT) {
  for (const [source, copy] of CHART_COPIES) {
    mkdirSync(dirname(join(root, copy)), { recursive: true });
    copyFileSync(join(root, source), join(root, copy));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) syncChart();
