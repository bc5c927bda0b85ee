// History: the scale operations the daemon recorded (the ConfigMap scalerd-history, as
// `scalerd history` reads it), newest first, with outcome, duration, nodes, evictions and workloads;
// filtered by node group and outcome. Fetched again when the overview says a reconcile ended.

import { useEffect, useState } from 'preact/hooks';
import type { HistoryEntryJson, OverviewJson } from '../../../src/console/wire.js';
import { ApiFailure, call } from '../api.js';
import { Notice, Section, Table, Time } from '../widgets.js';

const OUTCOMES = ['done', 'complete', 'failed', 'stopped'] as const;

const duration = (from: string, to: string): string => {
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

/** "41 evicted (3 refused by budgets, retried)"; empty for an entry written before evictions were counted. */
function evictions(e: HistoryEntryJson): string {
  const counted = e.nodes.filter((n) => typeof n.evicted === 'number');
  if (counted.length === 0) return e.nodes.length === 0 ? '0' : '';
  const sum = (field: 'evicted' | 'refused' | 'forced') => counted.reduce((total, n) => total + (n[field] ?? 0), 0);
  const more = [sum('refused') > 0 ? `${sum('refused')} refused by budgets, retried` : '', sum('forced') > 0 ? `${sum('forced')} deleted by force` : ''].filter(Boolean);
  return `${sum('evicted')} evicted${more.length > 0 ? ` (${more.join(', ')})` : ''}`;
}

export function History({ overview }: { overview: OverviewJson }) {
  const [group, setGroup] = useState('');
  const [outcome, setOutcome] = useState('');
  const [entries, setEntries] = useState<readonly HistoryEntryJson[] | undefined>();
  const [unreadable, setUnreadable] = useState<readonly string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const zone = overview.schedule.timezone;
  const lastReconcile = overview.status.last?.finishedAt;
  useEffect(() => {
    let live = true;
    const query = new URLSearchParams({ ...(group ? { group } : {}), ...(outcome ? { outcome } : {}) });
    call<{ entries: HistoryEntryJson[]; unreadable: string[] }>('GET', `/api/v1/history?${query}`)
      .then((h) => { if (live) { setEntries(h.entries); setUnreadable(h.unreadable); setError(undefined); } })
      .catch((failure: ApiFailure) => { if (live) setError(failure.message); });
    return () => { live = false; };
  }, [group, outcome, lastReconcile]);
  return (
    <div class="page">
      <Section title="Scale operations" id="history">
        <div class="controls">
          <label for="group">Node group</label>
          <select id="group" value={group} onChange={(e) => setGroup((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {overview.schedule.groups.map((g) => <option key={g.name} value={g.name}>{g.name}</option>)}
          </select>
          <label for="outcome">Outcome</label>
          <select id="outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {OUTCOMES.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </div>
        {error && <Notice kind="error">{error}</Notice>}
        {unreadable.length > 0 && <Notice kind="warn">Entries that cannot be read are skipped: {unreadable.join(', ')}</Notice>}
        {!entries ? <p class="quiet">Loading…</p> : entries.length === 0 ? <p class="quiet">No scale operation recorded{group || outcome ? ' that matches' : ''}.</p> : (
          <Table label="Scale operations" head={['Started', 'Took', 'Direction', 'Outcome', 'Groups', 'Nodes', 'Evictions', 'Workloads', 'Why']}>
            {entries.map((e) => (
              <tr key={e.id} data-entry={e.id}>
                <th scope="row"><Time iso={e.start} zone={zone} /></th>
                <td>{duration(e.start, e.end)}</td>
                <td>{e.direction}</td>
                <td data-field="outcome"><span class={`outcome ${e.outcome}`}>{e.outcome}</span></td>
                <td>{Object.entries(e.groups).map(([g, c]) => `${g} ${c.from} → ${c.to}`).join(', ')}</td>
                <td>{e.nodes.length === 0 ? (e.added > 0 ? `${e.added} added` : '') : (
                  <details><summary>{e.nodes.length} removed or touched</summary><ul>{e.nodes.map((n) => <li key={n.node}>{n.node}: {n.result}{n.reason ? ` (${n.reason})` : ''}</li>)}</ul></details>
                )}</td>
                <td data-field="evictions">{evictions(e)}</td>
                <td>{Object.entries(e.workloads).map(([w, c]) => `${w} ${c.from} → ${c.to}`).join(', ')}</td>
                <td>{e.reason}<div class="sub">{e.message}</div></td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </div>
  );
}
