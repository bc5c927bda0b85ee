// Times in the commands' JSON output: RFC 3339 in UTC (isoSeconds), never epoch
// milliseconds. The plan and the execution report carry their instants as numbers (the
// core computes with them); this replacer turns every one of them into text as the
// document is written, by the names those fields have throughout the code: `at`,
// `deadline`, `until`, `since` and every `…At`.

import { isoSeconds } from '../clock.js';

const TIME_KEY = /^(at|deadline|until|since|[a-z]+At)$/;

/** A JSON.stringify replacer: an instant under a time field's name becomes RFC 3339. */
export function rfc3339Times(key: string, value: unknown): unknown {
  return typeof value === 'number' && TIME_KEY.test(key) && Number.isFinite(value) ? isoSeconds(value) : value;
}
