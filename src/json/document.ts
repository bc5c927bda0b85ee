// A JSON document checked against its JSON Schema, with every problem located at
// file:line:column: the common first stages of loading a schedule or a scenario.

import type { Code } from '../errors.js';
import { readBoundedFile } from './bounds.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import { checkSchema } from './schema-check.js';
import { type SourceMap, parseJson } from './source-map.js';

/** A problem found at a JSON pointer, before it is given a line and column. */
export type Problem = {
  readonly code: Code;
  readonly severity: Severity;
  readonly pointer: string;
  readonly atKey?: boolean;
  readonly message: string;
  readonly hint: string;
};

export type DocumentCodes = { readonly read: Code; readonly json: Code; readonly duplicateKey: Code; readonly schema: Code };

export type DocumentResult =
  | { readonly ok: true; readonly value: unknown; readonly map: SourceMap }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

export function checkJsonDocument(text: string, file: string, schemaUrl: URL, codes: DocumentCodes): DocumentResult {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return {
      ok: false,
      diagnostics: parsed.problems.map((problem) => ({
        severity: 'error', code: problem.code ?? codes.json, file, ...problem.position, pointer: '', message: problem.message, hint: problem.hint,
      })),
    };
  }
  const { map, value } = parsed;
  const duplicates: Diagnostic[] = map.duplicateKeys().map(({ pointer, key, position }) => ({
    severity: 'error',
    code: codes.duplicateKey,
    file,
    ...position,
    pointer,
    message: `property "${key}" appears more than once in this object; only the last would count`,
    hint: 'remove or merge the repeated property',
  }));
  const schemaProblems: Problem[] = checkSchema(value, schemaUrl).map((problem) => ({ code: codes.schema, severity: 'error', ...problem }));
  if (duplicates.length > 0 || schemaProblems.length > 0) {
    return { ok: false, diagnostics: [...duplicates, ...locateAll(file, map, schemaProblems)].sort(byPosition) };
  }
  return { ok: true, value, map };
}

export function locateAll(file: string, map: SourceMap, problems: readonly Problem[]): Diagnostic[] {
  return problems.map((problem) => {
    const { line, column } = map.positionOf(problem.pointer, problem.atKey ?? false);
    return { severity: problem.severity, code: problem.code, file, line, column, pointer: problem.pointer, message: problem.message, hint: problem.hint };
  }).sort(byPosition);
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}

/** The file's text, or a diagnostic saying why it cannot be read (or is refused unread: bounds.ts). */
export async function readDocument(path: string, code: Code, hint: string): Promise<{ ok: true; text: string } | { ok: false; diagnostic: Diagnostic }> {
  const read = await readBoundedFile(path);
  if (read.ok) return read;
  const at = { severity: 'error', file: path, line: 1, column: 1, pointer: '' } as const;
  if ('problem' in read) return { ok: false, diagnostic: { ...at, code: read.problem.code, message: read.problem.message, hint: read.problem.hint } };
  const reason = read.error.code === 'ENOENT' ? 'no such file' : read.error.message;
  return { ok: false, diagnostic: { ...at, code, message: `cannot read the file: ${reason}`, hint } };
}

/** Diagnostics listed per code before the rest are summed up in one line. */
export const DIAGNOSTICS_PER_CODE = 50;

/**
 * The first DIAGNOSTICS_PER_CODE diagnostics of each code, in order, then one that says how
 * many more of that code there are: a generated file with a mistake repeated 10,000 times
 * reads better, and a daemon's log line of the rejected diagnostics stays small.
 */
export function capPerCode(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, number>();
  const kept: Diagnostic[] = [];
  for (const d of diagnostics) {
    const n = (seen.get(d.code) ?? 0) + 1;
    seen.set(d.code, n);
    if (n <= DIAGNOSTICS_PER_CODE) kept.push(d);
  }
  for (const [code, n] of seen) {
    if (n <= DIAGNOSTICS_PER_CODE) continue;
    const sample = diagnostics.find((d) => d.code === code)!;
    kept.push({
      severity: sample.severity, code, file: sample.file, line: 1, column: 1, pointer: '',
      message: `… and ${n - DIAGNOSTICS_PER_CODE} more ${sample.severity === 'error' ? 'errors' : 'warnings'} ${code} (only the first ${DIAGNOSTICS_PER_CODE} are listed)`,
      hint: 'fix the ones listed, then check the file again to see the rest',
    });
  }
  return kept;
}
