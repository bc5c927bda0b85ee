// The console's shell: which parts this console has (the daemon's pages, the deployer's, or
// both), the sign-in (the token, kept for this tab only), the navigation (one page per hash:
// #/overview, #/deployments, …, so any page can be bookmarked and the server serves one
// file), and the live overview the daemon's pages read, pushed by the daemon.

import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ConsoleLayoutJson, OverviewJson } from '../../src/console/wire.js';
import { ApiFailure, call, follow, forgetToken, setToken, token } from './api.js';
import { Deployments } from './pages/deployments.js';
import { History } from './pages/history.js';
import { Overrides } from './pages/overrides.js';
import { Overview } from './pages/overview.js';
import { Schedule } from './pages/schedule.js';
import { Notice } from './widgets.js';
import './styles.css';

const DAEMON_PAGES = [
  { hash: '#/overview', title: 'Overview' },
  { hash: '#/schedule', title: 'Schedule' },
  { hash: '#/overrides', title: 'Overrides' },
  { hash: '#/history', title: 'History' },
] as const;
const DEPLOYER_PAGE = { hash: '#/deployments', title: 'Deployments' } as const;

type Page = { readonly hash: string; readonly title: string };

function pagesOf(layout: ConsoleLayoutJson): readonly Page[] {
  return [...(layout.daemon ? DAEMON_PAGES : []), ...(layout.deployer !== null ? [DEPLOYER_PAGE] : [])];
}

function useHash(pages: readonly Page[]): string {
  const read = () => (pages.find((p) => p.hash === location.hash)?.hash ?? pages[0]?.hash ?? '');
  const [hash, setHash] = useState(read());
  useEffect(() => {
    const onChange = () => setHash(read());
    onChange();
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, [pages]);
  return hash;
}

/** The console's parts first (GET /api/v1/console, no token needed), then the pages. */
function Console() {
  const [layout, setLayout] = useState<ConsoleLayoutJson | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    call<ConsoleLayoutJson>('GET', '/api/v1/console').then(setLayout, (failure: ApiFailure) => setError(failure.message));
  }, []);
  if (error) return <main id="main"><Notice kind="error">{error}</Notice></main>;
  return layout ? <App layout={layout} /> : <main id="main"><p class="quiet">Loading…</p></main>;
}

function App({ layout }: { layout: ConsoleLayoutJson }) {
  const pages = useMemo(() => pagesOf(layout), [layout]);
  const hash = useHash(pages);
  const [overview, setOverview] = useState<OverviewJson | undefined>();
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<ApiFailure | undefined>();
  const [signedIn, setSignedIn] = useState(token() !== null);
  // Reading may be open to all (--console-anonymous-read): the token is then asked for only to make changes.
  const [askToken, setAskToken] = useState(false);

  useEffect(() => {
    if (!layout.daemon) return undefined;
    const stop = new AbortController();
    void follow('/api/v1/events', (event, data) => {
      if (event !== 'overview') return;
      setOverview(JSON.parse(data) as OverviewJson);
      setProblem(undefined);
    }, (isLive, why) => {
      setLive(isLive);
      if (why && why.code !== 'STREAM') setProblem(why);
    }, stop.signal);
    return () => stop.abort();
  }, [signedIn]);

  useEffect(() => {
    const page = pages.find((p) => p.hash === hash);
    document.title = `${page?.title ?? 'Console'} · scalerd`;
  }, [hash]);

  const needsToken = needsTokenFor(problem) || (askToken && !signedIn);
  const onDeployerFailure = (failure: ApiFailure) => { if (failure.status === 401) setProblem(failure); };
  const page = () => {
    if (hash === DEPLOYER_PAGE.hash && layout.deployer !== null) return <Deployments base={layout.deployer} onFailure={onDeployerFailure} />;
    if (!overview) return problem ? <Notice kind="error">{problem.message}</Notice> : <p class="quiet">Loading…</p>;
    return (
      <>
        {problem && <Notice kind="warn">{problem.message}</Notice>}
        {hash === '#/overrides' ? <Overrides overview={overview} />
          : hash === '#/schedule' ? <Schedule overview={overview} />
          : hash === '#/history' ? <History overview={overview} />
          : <Overview overview={overview} />}
      </>
    );
  };
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">scalerd</span>
        <nav aria-label="Pages">
          {pages.map((p) => <a key={p.hash} href={p.hash} aria-current={hash === p.hash ? 'page' : undefined}>{p.title}</a>)}
        </nav>
        {layout.daemon && <span class={`live ${live ? 'on' : 'off'}`} role="status" aria-live="polite">{live ? 'live' : 'not live'}</span>}
        {signedIn
          ? <button type="button" class="link" onClick={() => { forgetToken(); setSignedIn(false); setOverview(undefined); }}>Forget token</button>
          : !needsTokenFor(problem) && !askToken && <button type="button" class="link" onClick={() => setAskToken(true)}>Sign in</button>}
      </header>
      <main id="main" tabIndex={-1}>
        {needsToken ? <SignIn check={layout.daemon ? '/api/v1/overview' : `${layout.deployer ?? ''}/apps`} why={needsTokenFor(problem) ? problem : undefined} onDone={() => { setSignedIn(true); setAskToken(false); setProblem(undefined); }} /> : page()}
      </main>
    </>
  );
}

const needsTokenFor = (problem: ApiFailure | undefined): boolean => problem?.status === 401;

/** `check`: a read this console answers with the right token, to try the token on. */
function SignIn({ check, why, onDone }: { check: string; why: ApiFailure | undefined; onDone: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setToken(value);
    try {
      await call('GET', check);
      onDone();
    } catch (failure) {
      forgetToken();
      setError((failure as ApiFailure).message);
    }
  };
  return (
    <form class="signin" onSubmit={submit}>
      <h1>Sign in</h1>
      <p>{why?.message ?? 'Changes need the daemon\'s token.'}</p>
      <p class="quiet">The token is the one in the daemon's <code>--token-file</code>. It stays in this tab only.</p>
      <label for="token">Token</label>
      <input id="token" type="password" autoComplete="off" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} required />
      <button type="submit">Sign in</button>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}

render(<Console />, document.getElementById('app')!);
