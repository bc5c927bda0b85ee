// Schedule: each node group's capacity and the workloads' replicas over the next 7 or 30
// days (and the past 7 if asked, with what the history says was done), as the daemon will
// want them — the schedule's timeline (the engine `scalerd plan` prints) with the overrides
// on top. Override periods, date-list
// stretches (holidays, closures), DST changes and now are marked; the pointer over a chart
// says which window or override is responsible, in the schedule's zone and in UTC. "What if":
// an override previewed on the charts before it is stored.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DoneStepJson, OverviewJson, OverrideJson, OverrideRequestJson, SourceJson, TimelineJson, TimelinePointJson } from '../../../src/console/wire.js';
import { ApiFailure, call } from '../api.js';
import { type ChartSeries, doneValueAt, type DoneSeries, StepChart } from '../chart.js';
import { OverrideForm } from '../override-form.js';
import { hoverText, local } from '../time.js';
import { Notice, Section, Table, Time } from '../widgets.js';

const doneSeries = (steps: readonly DoneStepJson[] | undefined, of: string): DoneSeries[] => (steps && steps.length > 0 ? [{ of, steps }] : []);

/** " · done: 10" where the history knows the value at `at` (ms); nothing elsewhere. */
const doneText = (steps: readonly DoneStepJson[] | undefined, at: number, now: number): string => {
  const value = steps ? doneValueAt(steps, at / 1000, now / 1000) : null;
  return value === null ? '' : ` · done: ${value}`;
};

const describe = (s: SourceJson | undefined): string =>
  !s || s.kind === 'default' ? 'default' : s.kind === 'window' ? `window ${s.window}${s.class === 'date-list' ? ' (date list)' : ''}` : `override ${s.id} (“${s.reason}”)`;

export function Schedule({ overview }: { overview: OverviewJson }) {
  const [days, setDays] = useState(7);
  const [past, setPast] = useState(false);
  const [timeline, setTimeline] = useState<TimelineJson | undefined>();
  const [preview, setPreview] = useState<TimelineJson | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [hover, setHover] = useState<{ point: TimelinePointJson; at: number } | undefined>();
  const [stored, setStored] = useState<string | undefined>();
  // Fetched again when the range changes, and when the overrides do (another person, the CLI).
  const overridesKey = overview.overrides.map((o) => `${o.id}:${o.until}`).join(',');
  useEffect(() => {
    let live = true;
    call<TimelineJson>('GET', `/api/v1/timeline?days=${days}&past=${past ? 7 : 0}`)
      .then((t) => { if (live) { setTimeline(t); setError(undefined); } })
      .catch((failure: ApiFailure) => { if (live) setError(failure.message); });
    return () => { live = false; };
  }, [days, past, overridesKey]);

  const shown = preview ?? timeline;
  const groupSeries = useMemo(() => (shown ? shown.groups.map((g) => [{ label: g.name, value: (p: TimelinePointJson) => p.state.capacity[g.name] ?? 0 }] as ChartSeries[]) : []), [shown]);
  const workloadSeries = useMemo(() => (shown ? shown.workloads.map((w) => ({ label: w.key, value: (p: TimelinePointJson) => p.state.replicas[w.key] ?? 0 })) : []), [shown]);
  // Over the past days, what the history says was done, beside what was wanted.
  const groupDone = useMemo(() => (shown ? shown.groups.map((g) => doneSeries(shown.done?.capacity[g.name], g.name)) : []), [shown]);
  const workloadDone = useMemo(() => (shown ? shown.workloads.flatMap((w) => doneSeries(shown.done?.replicas[w.key], w.key)) : []), [shown]);
  const now = Date.parse(overview.clock.now);
  const zone = overview.schedule.timezone;

  const previewOf = async (request: OverrideRequestJson) => {
    setPreview(await call<TimelineJson>('POST', `/api/v1/timeline/preview?days=${days}&past=${past ? 7 : 0}`, request));
    setStored(undefined);
    return false;
  };
  const store = async (request: OverrideRequestJson) => {
    const o = await call<OverrideJson>('POST', '/api/v1/overrides', request);
    setPreview(undefined);
    setStored(`Override ${o.id} stored; the daemon applies it within seconds.`);
    return true;
  };

  return (
    <div class="page">
      <Section title="Schedule" id="schedule">
        <div class="controls">
          <label for="range">Range</label>
          <select id="range" value={String(days)} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            <option value="7">next 7 days</option>
            <option value="30">next 30 days</option>
          </select>
          <label class="choice"><input type="checkbox" checked={past} onChange={(e) => setPast((e.target as HTMLInputElement).checked)} /> and the past 7 days</label>
          <span class="quiet">Times in {zone}; hover for yours and UTC.</span>
        </div>
        {error && <Notice kind="error">{error}</Notice>}
        {stored && <Notice kind="info">{stored}</Notice>}
        {preview && <Notice kind="info">Preview: the charts show the schedule with the draft override (pink band). Nothing is stored yet. <button type="button" class="link" onClick={() => setPreview(undefined)}>Back to the schedule as it is</button></Notice>}
        <ul class="legend" aria-label="What the charts mark">
          <li><span class="swatch override" /> override in force</li>
          <li><span class="swatch draft" /> draft (preview)</li>
          <li><span class="swatch datelist" /> window brought in by a date list (holiday, closure)</li>
          <li><span class="swatch dst" /> DST change</li>
          <li><span class="swatch now" /> now</li>
          {past && <li><span class="swatch done" /> done, as the history recorded it</li>}
        </ul>
        {!shown ? <p class="quiet">Loading…</p> : (
          <>
            {shown.groups.map((g, i) => <StepChart key={`g-${g.name}`} title={`${g.name}: nodes`} timeline={shown} series={groupSeries[i]!} done={groupDone[i]!} now={now} onHover={setHover} />)}
            {shown.workloads.length > 0 && <StepChart key="workloads" title="Workloads: replicas" timeline={shown} series={workloadSeries} done={workloadDone} now={now} onHover={setHover} />}
            <HoverInfo hover={hover} timeline={shown} zone={zone} now={now} />
            <Marks timeline={shown} zone={zone} />
            <Changes timeline={shown} zone={zone} />
          </>
        )}
      </Section>
      <Section title="What if: an override" id="what-if">
        <OverrideForm overview={overview} actions={[{ label: 'Preview on the charts', run: previewOf }, ...(overview.writable ? [{ label: 'Store override', run: store }] : [])]} />
      </Section>
    </div>
  );
}

function HoverInfo({ hover, timeline, zone, now }: { hover: { point: TimelinePointJson; at: number } | undefined; timeline: TimelineJson; zone: string; now: number }) {
  if (!hover) return <p class="hover quiet" aria-live="polite">Point at a chart to see what is wanted then, and why.</p>;
  const iso = new Date(hover.at).toISOString();
  const { point } = hover;
  return (
    <div class="hover" aria-live="polite">
      <p><b>{local(zone, iso)}</b> · {hoverText(iso)}</p>
      <ul>
        {timeline.groups.map((g) => <li key={g.name}>{g.name}: {point.state.capacity[g.name]} nodes — {describe(point.sources.capacity[g.name])}{doneText(timeline.done?.capacity[g.name], hover.at, now)}</li>)}
        {timeline.workloads.map((w) => <li key={w.key}>{w.key}: {point.state.replicas[w.key]} replicas — {describe(point.sources.replicas[w.key])}{doneText(timeline.done?.replicas[w.key], hover.at, now)}</li>)}
      </ul>
    </div>
  );
}

function Marks({ timeline, zone }: { timeline: TimelineJson; zone: string }) {
  const { dst, overrides, dateLists } = timeline.marks;
  if (dst.length + overrides.length + dateLists.length === 0) return null;
  return (
    <ul class="marks">
      {dst.map((d) => <li key={d.at}>DST: <Time iso={d.at} zone={zone} />, UTC{d.offsetMinutes >= 0 ? '+' : '−'}{Math.abs(d.offsetMinutes / 60)} from then</li>)}
      {overrides.map((o) => <li key={o.id}>{o.draft ? 'Draft override' : `Override ${o.id}`}: <Time iso={o.from} zone={zone} /> to <Time iso={o.until} zone={zone} />, “{o.reason}”</li>)}
      {dateLists.map((d) => <li key={`${d.window}-${d.from}`}>Date list: window {d.window}, <Time iso={d.from} zone={zone} /> to <Time iso={d.until} zone={zone} /></li>)}
    </ul>
  );
}

/**
 * The charts' changes as a table: readable without a pointer or a canvas. Its rows are made
 * when it is opened: 30 days can be thousands of changes, and a closed table made anyway held
 * the charts back (bench/console.bench.ts: ~250 ms of 30 days' render).
 */
function Changes({ timeline, zone }: { timeline: TimelineJson; zone: string }) {
  const [open, setOpen] = useState(false);
  const keys = [...timeline.groups.map((g) => ['capacity', g.name] as const), ...timeline.workloads.map((w) => ['replicas', w.key] as const)];
  return (
    <details class="changes-table" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>The same as a table ({timeline.points.length} changes)</summary>
      {open && (
        <Table label="Changes" stack={false} head={[`When (${zone})`, ...keys.map(([, k]) => k), 'Starts / ends']}>
          {timeline.points.map((p) => (
            <tr key={p.at} data-at={p.at}>
              <th scope="row"><Time iso={p.at} zone={zone} /></th>
              {keys.map(([section, k]) => <td class="num" key={k} title={describe(p.sources[section][k])}>{p.state[section][k]}</td>)}
              <td>{[...p.started.map((n) => `${n} starts`), ...p.ended.map((n) => `${n} ends`)].join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
    </details>
  );
}
