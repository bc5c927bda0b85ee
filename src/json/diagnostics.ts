// Diagnostics: what is wrong in a schedule file, where (file, line:column, JSON
// pointer), what was expected, and how to fix it. Several are collected per file.

import { terminalSafe } from '../text/terminal.js';

export type Severity = 'error' | 'warning';

export type Diagnostic = {
  readonly severity: Severity;
  /** A stable code from the error catalogue (src/errors.ts), e.g. SCALERD_ERR_SCHEDULE_TIMEZONE. */
  readonly code: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units like editors count. */
  readonly column: number;
  /** RFC 6901 JSON pointer of the value at fault ("" for the whole document). */
  readonly pointer: string;
  readonly message: string;
  readonly hint: string;
};

/** `file:line:column: error CODE at /pointer: message` and an indented hint line. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pointer === '' ? '(document)' : d.pointer;
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code} at ${where}: ${d.message}\n    hint: ${d.hint}`;
}

/**
 * formatDiagnostic for a terminal: the same two lines, each field made safe to print
 * first. Messages quote the file (a key, a window's name, a time zone) and pointers hold
 * its keys, so a control character there could end the line or act on the screen. The
 * daemon's /status and logs keep formatDiagnostic's exact text.
 */
export function formatDiagnosticForTerminal(d: Diagnostic): string {
  const safe = terminalSafe;
  return formatDiagnostic({ ...d, file: safe(d.file), code: safe(d.code), pointer: safe(d.pointer), message: safe(d.message), hint: safe(d.hint) });
}

export function escapePointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function pointerFromPath(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

export function pathFromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
