// Deployments: the deployer's apps, the version each hostname serves now (as etcd has it),
// the versions present, and per app its deployments newest first with their phases, outcome
// and reason (a bake's figures among them); a deployment's log, followed live while it runs;
// rollback and undeploy. `base` is where the deployer's API is from this page: '' on the
// deployer's own console, /deployer through the daemon's.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppStateJson as AppState, DeploymentJson as DeploymentRecord, LogLineJson as LogLine } from '../../../src/console/wire.js';
import { ApiFailure, call, follow } from '../api.js';
import { Notice, Section, Table } from '../widgets.js';

type Props = { readonly base: string; readonly onFailure: (failure: ApiFailure) => void };

const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');

/** `fetch` now and every `everyMs` while mounted; the newest answer, or the failure. */
function usePolled<T>(path: string | undefined, everyMs: number, onFailure: (f: ApiFailure) => void): T | undefined {
  const [value, setValue] = useState<T | undefined>();
  useEffect(() => {
    setValue(undefined);
    if (path === undefined) return undefined;
    let live = true;
    const load = () => call<T>('GET', path).then((v) => { if (live) setValue(v); }, (f: ApiFailure) => { if (live) onFailure(f); });
    void load();
    const timer = setInterval(load, everyMs);
    return () => { live = false; clearInterval(timer); };
  }, [path]);
  return value;
}

export function Deployments({ base, onFailure }: Props) {
  const apps = usePolled<AppState[]>(`${base}/apps`, 2000, onFailure);
  const [selected, setSelected] = useState<string | undefined>();
  const app = apps?.find((a) => `${a.namespace}/${a.app}` === selected) ?? apps?.[0];
  return (
    <div class="page">
      <Section title="Apps" id="apps">
        {!apps ? <p class="quiet">Loading…</p> : apps.length === 0 ? <p class="quiet">The deployer has deployed nothing yet.</p> : (
          <Table label="Apps" head={['App', 'Serves', 'Versions present', 'Under way', 'Last']}>
            {apps.map((a) => {
              const key = `${a.namespace}/${a.app}`;
              return (
                <tr key={key} data-app={key} class={app === a ? "selected" : undefined}>
                  <th scope="row"><button type="button" class="link" onClick={() => setSelected(key)}>{key}</button></th>
                  <td data-field="serves">{a.frontends.map((f) => `${f.host} → ${f.version === null ? 'nothing' : `v${f.version}`}`).join(', ') || '–'}</td>
                  <td>{a.versions.map((v) => `v${v.version}${v.terminating ? ' (terminating)' : ''}${v.inLoadBalancer ? '' : ' (not in haproxy)'}`).join(', ') || '–'}</td>
                  <td>{a.running ?? ''}</td>
                  <td>{a.last ? `${a.last.kind} v${a.last.version}: ${a.last.status}` : ''}</td>
                </tr>
              );
            })}
          </Table>
        )}
      </Section>
      {app && <AppHistory key={`${app.namespace}/${app.app}`} base={base} app={app} onFailure={onFailure} />}
    </div>
  );
}

function AppHistory({ base, app, onFailure }: { base: string; app: AppState; onFailure: (f: ApiFailure) => void }) {
  const path = `${base}/deployments/${app.namespace}/${app.app}`;
  const records = usePolled<DeploymentRecord[]>(path, 2000, onFailure);
  const [open, setOpen] = useState<string | undefined>();
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | undefined>();
  const act = async (what: 'rollback' | 'undeploy') => {
    const question = what === 'rollback'
      ? `Roll ${app.namespace}/${app.app} back: deploy the previous successful version's descriptor again, as a new version?`
      : `Undeploy ${app.namespace}/${app.app}: remove every version and its hostnames from haproxy?`;
    if (!confirm(question)) return;
    try {
      const record = await call<DeploymentRecord>('POST', `${base}/apps/${app.namespace}/${app.app}/${what}`);
      setMessage({ kind: 'info', text: `${what === 'rollback' ? 'Rollback' : 'Undeploy'} started: deployment ${record.id} (version ${record.version}).` });
      setOpen(record.id);
    } catch (failure) {
      setMessage({ kind: 'error', text: `${what} refused: ${(failure as ApiFailure).message}` });
    }
  };
  const newestFirst = [...(records ?? [])].reverse();
  return (
    <Section title={`${app.namespace}/${app.app}`} id="app">
      <div class="buttons">
        <button type="button" onClick={() => void act('rollback')} disabled={app.running !== null}>Roll back</button>
        <button type="button" class="secondary" onClick={() => void act('undeploy')} disabled={app.running !== null}>Undeploy</button>
      </div>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {!records ? <p class="quiet">Loading…</p> : (
        <Table label="Deployments" head={['Deployment', 'Version', 'Status', 'Phases', 'Reason']}>
          {newestFirst.map((r) => (
            <tr key={r.id} data-deployment={r.id}>
              <th scope="row"><button type="button" class="link" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? undefined : r.id)}>{r.id}</button>{r.kind ? <span class="sub"> ({r.kind})</span> : null}</th>
              <td>v{r.version}{r.previousVersion !== undefined ? ` (after v${r.previousVersion})` : ''}</td>
              <td data-field="status"><span class={`outcome ${r.status === 'FAILURE' ? 'failed' : ''}`}>{r.status}{r.status === 'RUNNING' ? ` — ${r.phase}` : ''}</span></td>
              <td class="sub">{r.phases.map((p) => p.phase).join(' → ')}</td>
              <td>{r.reason ?? ''}</td>
            </tr>
          ))}
        </Table>
      )}
      {open && <Log key={open} base={base} app={app} id={open} running={records?.find((r) => r.id === open)?.status === 'RUNNING'} onFailure={onFailure} />}
    </Section>
  );
}

function Log({ base, app, id, running, onFailure }: { base: string; app: AppState; id: string; running: boolean; onFailure: (f: ApiFailure) => void }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [following, setFollowing] = useState(false);
  const end = useRef<HTMLLIElement>(null);
  const path = `${base}/deployments/${app.namespace}/${app.app}/${id}/logs`;
  useEffect(() => {
    const stop = new AbortController();
    if (running) {
      // The stream sends the lines so far, then each as it is written, then `end`.
      setLines([]);
      void follow(`${path}/stream`, (event, data) => {
        if (event === 'log') setLines((l) => [...l, JSON.parse(data) as LogLine]);
        if (event === 'end') { setFollowing(false); stop.abort(); }
      }, (live, why) => { setFollowing(live); if (why && why.status >= 400) onFailure(why); }, stop.signal);
    } else {
      call<LogLine[]>('GET', path).then(setLines, onFailure);
    }
    return () => stop.abort();
  }, [id]);
  useEffect(() => end.current?.scrollIntoView({ block: 'nearest' }), [lines.length]);
  return (
    <div class="log" aria-live="polite">
      <h3>Log of {id}{following ? ' (following)' : ''}</h3>
      <ol>
        {lines.map((l, i) => <li key={i} class={l.level} ref={i === lines.length - 1 ? end : undefined}><time dateTime={new Date(l.at).toISOString()}>{when(l.at)}</time> {l.message}</li>)}
      </ol>
    </div>
  );
}
