import { terminalSafe } from '../text/terminal.js';

/**
 * Left-aligned columns separated by two spaces; numeric-looking cells are right-aligned.
 * Cells are text from the schedule or the cluster: each is made safe to print first (a
 * newline or an escape sequence in a reason would break the rows), and the widths are
 * those of what is printed.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((row) => row.map(terminalSafe));
  const widths = header.map((_, i) => all.reduce((widest, row) => Math.max(widest, (row[i] ?? '').length), 0));
  const numeric = header.map((_, i) => rows.length > 0 && all.slice(1).every((row) => /^[\d→ ]+$/.test(row[i] ?? '')));
  return all
    .map((row) =>
      row
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A duration as a table cell: 42s, 3m07s, 2h05m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
