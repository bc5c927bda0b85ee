// Small pieces every page uses.

import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { hoverText, local } from './time.js';

/** A time in the schedule's zone; the viewer's zone and UTC on hover (and for screen readers). */
export function Time({ iso, zone }: { iso: string; zone: string }) {
  return <time dateTime={iso} title={hoverText(iso)}>{local(zone, iso)}</time>;
}

export function Notice({ kind, children }: { kind: 'error' | 'warn' | 'info'; children: ComponentChildren }) {
  return <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</p>;
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-h` : undefined}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/** A column's heading; `hidden`: read to screen readers only (a column of buttons). */
export type Column = string | { readonly hidden: string };

/**
 * A table in a region that scrolls sideways when it must, reachable by keyboard. `stack`
 * (the default): on a narrow screen each row becomes a card with each cell under its
 * column's name (styles.css, `table.stack`), so a phone reads it without scrolling sideways.
 * The names are copied onto the cells after each render because the rows are the caller's.
 */
export function Table({ label, head, stack = true, children }: { label: string; head: readonly Column[]; stack?: boolean; children: ComponentChildren }) {
  const table = useRef<HTMLTableElement>(null);
  const names = head.map((h) => (typeof h === 'string' ? h : ''));
  useLayoutEffect(() => {
    if (!stack || !table.current) return;
    for (const body of table.current.tBodies) for (const row of body.rows) [...row.cells].forEach((cell, i) => { cell.dataset['label'] = names[i] ?? ''; });
  });
  return (
    <div class="scroll" role="region" aria-label={label} tabIndex={0}>
      <table class={stack ? 'stack' : undefined} ref={table}>
        <thead><tr>{head.map((h, i) => <th scope="col" key={i}>{typeof h === 'string' ? h : <span class="sr-only">{h.hidden}</span>}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
