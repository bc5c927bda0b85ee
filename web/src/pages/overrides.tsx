// Overrides: those stored (live, as the daemon's watch sees the ConfigMap, so one set or
// cleared with the CLI shows here at once), a form to add one (node groups and replicas, for
// a while / until a time / until the next window, and why), and a button to clear each. The
// daemon checks the form as `scalerd override set` checks its flags, and says what is wrong.

import { useState } from 'preact/hooks';
import type { OverrideJson, OverrideRequestJson, OverviewJson } from '../../../src/console/wire.js';
import { ApiFailure, call } from '../api.js';
import { Notice, Section, Time } from '../widgets.js';

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
          <div class="scroll">
            <table>
              <thead><tr><th scope="col">Id</th><th scope="col">Sets</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">Why, by whom</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
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
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <NewOverride overview={overview} onStored={(o) => setMessage({ kind: 'info', text: `Override ${o.id} stored; the daemon applies it within seconds.` })} />
    </div>
  );
}

const describeValues = (o: Pick<OverrideJson, 'capacity' | 'replicas'>): string =>
  [...Object.entries(o.capacity).map(([k, v]) => `${k}=${v} nodes`), ...Object.entries(o.replicas).map(([k, v]) => `${k}=${v} replicas`)].join(', ');

type End = 'for' | 'until' | 'untilNextWindow';

function NewOverride({ overview, onStored }: { overview: OverviewJson; onStored: (o: OverrideJson) => void }) {
  const { groups, workloads, timezone } = overview.schedule;
  const [values, setValues] = useState<Record<string, string>>({});
  const [end, setEnd] = useState<End>('for');
  const [forText, setFor] = useState('3h');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const request = (): OverrideRequestJson => {
    const pick = (prefix: string) => Object.fromEntries(Object.entries(values).filter(([k, v]) => k.startsWith(prefix) && v.trim() !== '').map(([k, v]) => [k.slice(prefix.length), Number(v)]));
    const capacity = pick('group:');
    const replicas = pick('workload:');
    return {
      ...(Object.keys(capacity).length > 0 ? { capacity } : {}),
      ...(Object.keys(replicas).length > 0 ? { replicas } : {}),
      ...(end === 'for' ? { for: forText.trim() } : end === 'until' ? { until: until.trim() } : { untilNextWindow: true }),
      reason,
    };
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const stored = await call<OverrideJson>('POST', '/api/v1/overrides', request());
      setValues({});
      setReason('');
      onStored(stored);
    } catch (failure) {
      setError((failure as ApiFailure).message);
    } finally {
      setBusy(false);
    }
  };
  const field = (key: string, label: string, min: number, max: number) => (
    <div class="field" key={key}>
      <label for={key}>{label}</label>
      <input id={key} name={key} type="number" inputMode="numeric" min={min} max={max} placeholder={`${min}–${max}`} value={values[key] ?? ''}
        onInput={(e) => setValues({ ...values, [key]: (e.target as HTMLInputElement).value })} />
    </div>
  );
  return (
    <Section title="New override" id="new-override">
      <form class="override-form" onSubmit={submit}>
        <fieldset>
          <legend>Node groups (nodes)</legend>
          {groups.map((g) => field(`group:${g.name}`, g.name, g.min, g.max))}
        </fieldset>
        {workloads.length > 0 && (
          <fieldset>
            <legend>Workloads (replicas)</legend>
            {workloads.map((w) => field(`workload:${w.key}`, w.key, w.min, w.max))}
          </fieldset>
        )}
        <fieldset>
          <legend>Ends</legend>
          <label class="choice"><input type="radio" name="end" checked={end === 'for'} onChange={() => setEnd('for')} /> after</label>
          <input aria-label="Duration, such as 3h or 1d12h" value={forText} disabled={end !== 'for'} onInput={(e) => setFor((e.target as HTMLInputElement).value)} />
          <label class="choice"><input type="radio" name="end" checked={end === 'until'} onChange={() => setEnd('until')} /> at</label>
          <input aria-label={`Local time in ${timezone}, such as 2026-12-24T18:00`} placeholder="2026-12-24T18:00" value={until} disabled={end !== 'until'} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
          <label class="choice"><input type="radio" name="end" checked={end === 'untilNextWindow'} onChange={() => setEnd('untilNextWindow')} /> when the schedule next changes</label>
        </fieldset>
        <div class="field wide">
          <label for="reason">Why (required)</label>
          <input id="reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} placeholder="Black Friday load test" />
        </div>
        <button type="submit" disabled={busy}>Store override</button>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Section>
  );
}
