import type { ApiErrorClass, ApiName } from '../src/ports/api-errors.js';

/** An observer of failed API calls that tallies them as "<api> <operation> <class>", for the adapters' tests. */
export function tally(): { counts: Record<string, number>; onApiError: (api: ApiName, operation: string, errorClass: ApiErrorClass) => void } {
  const counts: Record<string, number> = {};
  const onApiError = (api: ApiName, operation: string, errorClass: ApiErrorClass) => {
    const key = `${api} ${operation} ${errorClass}`;
    counts[key] = (counts[key] ?? 0) + 1;
  };
  return { counts, onApiError };
}
