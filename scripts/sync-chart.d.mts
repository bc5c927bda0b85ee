/** Each copy as [source, copy in the chart], relative to the repository's root. */
export const CHART_COPIES: readonly (readonly [source: string, copy: string])[];
/** Copies every source over its copy in the chart. */
export function syncChart(root?: string): void;
