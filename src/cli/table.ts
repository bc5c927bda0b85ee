import { terminalSafe } from '../text/terminal.js';

/**
 * Left-aligned columns separated by two spaces; numeric-looking cells are right-aligned.
 * Cells are text from the schedule or the cluster: each is made safe to print first (a
 * newline or an escape sequence in a reason would break the rows), and the widths are
 * those of what is printed.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const layout = measureTable(header, rows);
  return [header, ...rows].map((row) => renderRow(layout, row)).join('\n');
}

/** Column widths and alignment: what renderRow needs to print rows one at a time. */
export type TableLayout = { readonly widths: readonly number[]; readonly numeric: readonly boolean[] };

/** The layout of a table, in one pass over rows that need not be held (a long timeline's). */
export function measureTable(header: readonly string[], rows: Iterable<readonly string[]>): TableLayout {
  const widths = header.map((cell) => terminalSafe(cell).length);
  const numeric = header.map(() => true);
  let any = false;
  for (const row of rows) {
    any = true;
    header.forEach((_, i) => {
      const cell = terminalSafe(row[i] ?? '');
      widths[i] = Math.max(widths[i]!, cell.length);
      if (numeric[i] && !/^[\d→ ]+$/.test(cell)) numeric[i] = false;
    });
  }
  return { widths, numeric: any ? numeric : numeric.map(() => false) };
}

export function renderRow(layout: TableLayout, row: readonly string[]): string {
  return row
    .map(terminalSafe)
    .map((cell, i) => (layout.numeric[i] ? cell.padStart(layout.widths[i]!) : cell.padEnd(layout.widths[i]!)))
    .join('  ')
    .trimEnd();
}

/** A duration as a table cell: 42s, 3m07s, 2h05m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
