// The override form, as the Overrides page stores one and the Schedule page previews one:
// node groups and replicas within the schedule's limits (the daemon checks them as
// `scalerd override set` does and says what is wrong), how it ends, and why.

import { useState } from 'preact/hooks';
import type { OverrideRequestJson, OverviewJson } from '../../src/console/wire.js';
import type { ApiFailure } from './api.js';
import { Notice } from './widgets.js';

type End = 'for' | 'until' | 'untilNextWindow';

/** A button of the form: what it does with the request; true clears the form. */
export type FormAction = { readonly label: string; readonly run: (request: OverrideRequestJson) => Promise<boolean> };

export function OverrideForm({ overview, actions }: { overview: OverviewJson; actions: readonly FormAction[] }) {
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
  const act = async (action: FormAction) => {
    setBusy(true);
    setError(undefined);
    try {
      if (await action.run(request())) {
        setValues({});
        setReason('');
      }
    } catch (failure) {
      setError((failure as ApiFailure).message);
    } finally {
      setBusy(false);
    }
  };
  const [first, ...others] = actions;
  const submit = (e: Event) => {
    e.preventDefault();
    if (first) void act(first);
  };
  const field = (key: string, label: string, min: number, max: number) => (
    <div class="field" key={key}>
      <label for={key}>{label}</label>
      <input id={key} name={key} type="number" inputMode="numeric" min={min} max={max} placeholder={`${min}–${max}`} value={values[key] ?? ''}
        onInput={(e) => setValues({ ...values, [key]: (e.target as HTMLInputElement).value })} />
    </div>
  );
  return (
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
        <div class="buttons">
          {first && <button type="submit" disabled={busy}>{first.label}</button>}
          {others.map((a) => <button key={a.label} type="button" class="secondary" disabled={busy} onClick={() => void act(a)}>{a.label}</button>)}
        </div>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
  );
}
