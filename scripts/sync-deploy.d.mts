// Types of sync-deploy.mjs, for the tests that hold the copies to their sources.
/** Each copy as [source, copy in the chart], relative to the repository's root. */
export const CHART_COPIES: readonly (readonly [string, string])[];
/** The rules file as a PrometheusRule. */
export function prometheusRule(rules: string): string;
/** Each generated file as [source, generated file, how], relative to the repository's root. */
export const GENERATED: readonly (readonly [string, string, (source: string) => string])[];
/** Copies every source over its copy in the chart and writes every generated file. */
export function syncDeploy(root?: string): void;
