// Overrides from the console: the request's JSON turned into the draft `override set` would
// store, by the same checks (src/overrides/draft.ts), refusals naming the form's fields.
// The store is the CLI's (the ConfigMap scalerd-overrides), so each sees the other's at once.

import { ScalerdError } from '../errors.js';
import { ApiError } from '../http/reply.js';
import { durationArg, DURATION_RANGES } from '../cli/arguments.js';
import { checkValues, resolveEnd, type Assignment, type DraftLabels } from '../overrides/draft.js';
import type { OverrideDraft } from '../overrides/index.js';
import type { Schedule } from '../schedule/index.js';
import type { OverrideRequestJson } from './wire.js';

export const CONSOLE_LABELS: DraftLabels = { command: 'an override', group: 'capacity', replicas: 'replicas', for: 'for', until: 'until', untilNextWindow: 'until next window' };

const invalid = (message: string): ApiError => new ApiError(422, 'SCALERD_ERR_OVERRIDE_INVALID', message);

/** The draft to store; 422 SCALERD_ERR_OVERRIDE_INVALID with the reason when the request is not one. `by`: who sends it. */
export function overrideDraft(schedule: Schedule, file: string, body: unknown, by: string, now: number): OverrideDraft {
  const request = shapeOf(body);
  const reason = request.reason?.trim();
  try {
    const values = checkValues(schedule, file, assignments(request.capacity), assignments(request.replicas), CONSOLE_LABELS);
    if (!reason) throw invalid('an override needs a reason: say why, for whoever finds it later');
    let forMs: number | undefined;
    if (request.for !== undefined) {
      try {
        forMs = durationArg(DURATION_RANGES.overrideFor)(request.for);
      } catch (error) {
        throw invalid(`for "${request.for}": ${(error as Error).message}`);
      }
    }
    // Whole seconds, as the CLI stores them.
    const at = Math.floor(now / 1000) * 1000;
    const end = resolveEnd(schedule, file, { ...(forMs !== undefined ? { for: forMs } : {}), ...(request.until !== undefined ? { until: request.until } : {}), untilNextWindow: request.untilNextWindow === true }, at, CONSOLE_LABELS);
    return {
      ...(Object.keys(values.capacity).length > 0 ? { capacity: values.capacity } : {}),
      ...(Object.keys(values.replicas).length > 0 ? { replicas: values.replicas } : {}),
      from: at, until: end.until, ...(end.untilNextWindow ? { untilNextWindow: true } : {}), reason, by, createdAt: at,
    };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof ScalerdError) throw invalid(error.message);
    throw error;
  }
}

function shapeOf(body: unknown): OverrideRequestJson {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the request body is not a JSON object with capacity, replicas, for/until/untilNextWindow and reason');
  const o = body as Record<string, unknown>;
  const known = ['capacity', 'replicas', 'for', 'until', 'untilNextWindow', 'reason'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}: an override has ${known.join(', ')}`);
  for (const key of ['for', 'until', 'reason'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') throw invalid(`${key} is a string`);
  }
  if (o.untilNextWindow !== undefined && typeof o.untilNextWindow !== 'boolean') throw invalid('untilNextWindow is true or false');
  for (const key of ['capacity', 'replicas'] as const) {
    const values = o[key];
    if (values === undefined) continue;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw invalid(`${key} is an object of name → whole number`);
    for (const [name, n] of Object.entries(values)) {
      if (!Number.isSafeInteger(n) || (n as number) < 0) throw invalid(`${key} ${name}: ${JSON.stringify(n)} is not a whole number of 0 or more`);
    }
  }
  return o as OverrideRequestJson;
}

const assignments = (values: Readonly<Record<string, number>> | undefined): Assignment[] =>
  Object.entries(values ?? {}).map(([key, value]) => ({ key, value, text: `${key}=${value}` }));
