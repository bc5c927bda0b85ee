// Small pieces every page uses.

import type { ComponentChildren } from 'preact';
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
