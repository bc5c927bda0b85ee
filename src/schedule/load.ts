// From text (or a file) to a checked Schedule: JSON syntax, duplicate keys, the JSON
// Schema, semantic checks, then warnings. Every stage reports all it finds; a later
// stage runs only when the earlier ones found no error, since it relies on their result.

import { readFile } from 'node:fs/promises';
import { type Problem, compileSchedule } from './compile.js';
import type { Diagnostic } from './diagnostics.js';
import type { ScheduleDocument } from './document.js';
import { checkSchema } from './schema-check.js';
import { type SourceMap, parseJson } from './source-map.js';
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
};

export function checkScheduleText(text: string, options: CheckOptions): CheckResult {
  const { file } = options;
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return {
      ok: false,
      diagnostics: parsed.problems.map((problem) => ({
        severity: 'error',
        code: 'SCALERD_ERR_SCHEDULE_JSON',
        file,
        ...problem.position,
        pointer: '',
        message: problem.message,
        hint: problem.hint,
      })),
    };
  }
  const { map, value } = parsed;
  const located = (problems: readonly Problem[]): Diagnostic[] => problems.map((problem) => locate(file, map, problem)).sort(byPosition);

  const duplicates: Diagnostic[] = map.duplicateKeys().map(({ pointer, key, position }) => ({
    severity: 'error',
    code: 'SCALERD_ERR_SCHEDULE_DUPLICATE_KEY',
    file,
    ...position,
    pointer,
    message: `property "${key}" appears more than once in this object; only the last would count`,
    hint: 'remove or merge the repeated property',
  }));
  const schemaProblems: Problem[] = checkSchema(value).map((problem) => ({
    code: 'SCALERD_ERR_SCHEDULE_SCHEMA',
    severity: 'error',
    ...problem,
  }));
  if (duplicates.length > 0 || schemaProblems.length > 0) {
    return { ok: false, diagnostics: [...duplicates, ...located(schemaProblems)].sort(byPosition) };
  }
  const document = value as ScheduleDocument;
  const compiled = compileSchedule(document);
  if (!compiled.ok) return { ok: false, diagnostics: located(compiled.problems) };
  const warnings = scheduleWarnings(compiled.schedule, document, options.now);
  return { ok: true, schedule: compiled.schedule, document, diagnostics: located(warnings) };
}

export async function loadScheduleFile(path: string, now: number): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return {
      ok: false,
      diagnostics: [{
        severity: 'error',
        code: 'SCALERD_ERR_SCHEDULE_READ',
        file: path,
        line: 1,
        column: 1,
        pointer: '',
        message: `cannot read the schedule: ${reason}`,
        hint: 'check the path; schedules live in schedules/*.json',
      }],
    };
  }
  return checkScheduleText(text, { file: path, now });
}

function locate(file: string, map: SourceMap, problem: Problem): Diagnostic {
  const { line, column } = map.positionOf(problem.pointer, problem.atKey ?? false);
  return { severity: problem.severity, code: problem.code, file, line, column, pointer: problem.pointer, message: problem.message, hint: problem.hint };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}
