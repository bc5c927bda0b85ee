// "Why" a value is what it is: the window or override behind it, as /status's source says.

import type { SourceJson } from '../../src/console/wire.js';
import { Time } from './widgets.js';

export function Why({ source, zone }: { source: SourceJson | undefined; zone: string }) {
  if (!source || source.kind === 'default') return <span class="why">default</span>;
  if (source.kind === 'window') {
    return <span class="why">window <b>{source.window}</b>{source.class === 'date-list' ? ' (date list)' : ''} until <Time iso={source.until} zone={zone} /></span>;
  }
  return <span class="why override">override <b>{source.id}</b>: “{source.reason}” by {source.by}, until <Time iso={source.until} zone={zone} /></span>;
}
