// Overrides: those stored (live, as the daemon's watch sees the ConfigMap, so one set or
// cleared with the CLI shows here at once), a form to add one (node groups and replicas, for
// a while / until a time / until the next window, and why), and a button to clear each. The
// daemon checks the form as `scalerd override set` checks its flags, and says what is wrong.

import { useState } from 'preact/hooks';
import type { OverrideJson, OverviewJson } from '../../../src/console/wire.js';
import { ApiFailure, call } from '../api.js';
import { OverrideForm } from '../override-form.js';
import { Notice, Section, Table, Time } from '../widgets.js';

export function Overrides({ overview }: { overview: OverviewJson }) {
  const zone = overview.schedule.timezone;
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | undefined>();
  const clear = async (id: string) => {
    try {
      await call('DELETE', `/api/v1/overrides/${encodeURIComponent(id)}`);
      setMessage({ kind: 'info', text: `Override ${id} cleared.` });
    } catch (failure) {
      setMessage({ kind: 'error', text: `Override ${id} was not cleared: ${(failure as ApiFailure).message}` });
    }
  };
  return (
    <div class="page">
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {!overview.writable && <Notice kind="info">This console is read-only: the daemon runs without a token for changes (--token-file). Use <code>scalerd override</code>.</Notice>}
      <Section title="Overrides" id="overrides">
        {overview.overrides.length === 0 ? <p class="quiet">No override is in force or waiting.</p> : (
          <Table label="Overrides" head={['Id', 'Sets', 'From', 'Until', 'Why, by whom', { hidden: 'Actions' }]}>
            {overview.overrides.map((o) => (
              <tr key={o.id} data-override={o.id}>
                <th scope="row">{o.id}{o.state === 'pending' && <span class="sub"> (waiting)</span>}</th>
                <td>{describeValues(o)}</td>
                <td><Time iso={o.from} zone={zone} /></td>
                <td><Time iso={o.until} zone={zone} />{o.untilNextWindow ? ' (next window)' : ''}</td>
                <td>“{o.reason}” — {o.by}</td>
                <td><button type="button" onClick={() => void clear(o.id)} aria-label={`Clear override ${o.id}`}>Clear</button></td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
      <Section title="New override" id="new-override">
        <OverrideForm overview={overview} actions={[{
          label: 'Store override',
          run: async (request) => {
            const stored = await call<OverrideJson>('POST', '/api/v1/overrides', request);
            setMessage({ kind: 'info', text: `Override ${stored.id} stored; the daemon applies it within seconds.` });
            return true;
          },
        }]} />
      </Section>
    </div>
  );
}

const describeValues = (o: Pick<OverrideJson, 'capacity' | 'replicas'>): string =>
  [...Object.entries(o.capacity).map(([k, v]) => `${k}=${v} nodes`), ...Object.entries(o.replicas).map(([k, v]) => `${k}=${v} replicas`)].join(', ');
