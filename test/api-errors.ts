import type { ApiName, ApiOutcome } from '../src/ports/api-errors.js';

/**
 * An observer of API calls for the adapters' tests: failed attempts tallied as "<api>
 * <operation> <class>" in `counts`, and every attempt, answered or not, as "<api> <operation>" in `attempts`.
 */
export function tally(): { counts: Record<string, number>; attempts: Record<string, number>; onApiCall: (api: ApiName, operation: string, outcome: ApiOutcome) => void } {
  const counts: Record<string, number> = {};
  const attempts: Record<string, number> = {};
  const onApiCall = (api: ApiName, operation: string, outcome: ApiOutcome) => {
    attempts[`${api} ${operation}`] = (attempts[`${api} ${operation}`] ?? 0) + 1;
    if (outcome === 'ok') return;
    const key = `${api} ${operation} ${outcome}`;
    counts[key] = (counts[key] ?? 0) + 1;
  };
  return { counts, attempts, onApiCall };
}
