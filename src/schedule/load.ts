// From text (or a file) to a checked Schedule: JSON syntax, duplicate keys, the JSON
// Schema, semantic checks, then warnings. Every stage reports all it finds; a later
// stage runs only when the earlier ones found no error, since it relies on their result.

import type { Diagnostic } from '../json/diagnostics.js';
import { capPerCode, checkJsonDocument, locateAll, readDocument } from '../json/document.js';
import { SCHEMA_URL } from '../json/schema-check.js';
import { compileSchedule } from './compile.js';
import type { ScheduleDocument } from './document.js';
import type { Schedule } from './types.js';
import { scheduleWarnings } from './warnings.js';

export type CheckResult =
  | { readonly ok: true; readonly schedule: Schedule; readonly document: ScheduleDocument; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export type CheckOptions = {
  /** Shown in diagnostics. */
  readonly file: string;
  /** Start of the horizon over which warnings (overlaps, DST) are looked for. */
  readonly now: number;
  /** False: skip the warnings (a year's sweep of the windows), for a caller that prints none. Default true. */
  readonly warnings?: boolean;
};

const CODES = {
  read: 'SCALERD_ERR_SCHEDULE_READ',
  json: 'SCALERD_ERR_SCHEDULE_JSON',
  duplicateKey: 'SCALERD_ERR_SCHEDULE_DUPLICATE_KEY',
  schema: 'SCALERD_ERR_SCHEDULE_SCHEMA',
} as const;

export function checkScheduleText(text: string, options: CheckOptions): CheckResult {
  const { file } = options;
  const checked = checkJsonDocument(text, file, SCHEMA_URL, CODES);
  if (!checked.ok) return { ok: false, diagnostics: capPerCode(checked.diagnostics) };
  const document = checked.value as ScheduleDocument;
  const compiled = compileSchedule(document);
  if (!compiled.ok) return { ok: false, diagnostics: capPerCode(locateAll(file, checked.map, compiled.problems)) };
  const warnings = options.warnings === false ? [] : scheduleWarnings(compiled.schedule, document, options.now);
  return { ok: true, schedule: compiled.schedule, document, diagnostics: capPerCode(locateAll(file, checked.map, warnings)) };
}

export async function loadScheduleFile(path: string, now: number, options: { warnings?: boolean } = {}): Promise<CheckResult> {
  const read = await readDocument(path, CODES.read, 'check the path; schedules live in schedules/*.json');
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  return checkScheduleText(read.text, { file: path, now, ...options });
}
