// The console's shell: the sign-in (the token, kept for this tab only), the navigation (one
// page per hash: #/overview, #/overrides, …, so any page can be bookmarked and the server
// serves one file), and the live overview every page reads, pushed by the daemon.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { OverviewJson } from '../../src/console/wire.js';
import { ApiFailure, call, follow, forgetToken, setToken, token } from './api.js';
import { History } from './pages/history.js';
import { Overrides } from './pages/overrides.js';
import { Overview } from './pages/overview.js';
import { Schedule } from './pages/schedule.js';
import { Notice } from './widgets.js';
import './styles.css';

const PAGES = [
  { hash: '#/overview', title: 'Overview' },
  { hash: '#/schedule', title: 'Schedule' },
  { hash: '#/overrides', title: 'Overrides' },
  { hash: '#/history', title: 'History' },
] as const;

type Hash = (typeof PAGES)[number]['hash'];

function useHash(): Hash {
  const read = (): Hash => (PAGES.find((p) => p.hash === location.hash)?.hash ?? '#/overview');
  const [hash, setHash] = useState<Hash>(read());
  useEffect(() => {
    const onChange = () => setHash(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function App() {
  const hash = useHash();
  const [overview, setOverview] = useState<OverviewJson | undefined>();
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<ApiFailure | undefined>();
  const [signedIn, setSignedIn] = useState(token() !== null);
  // Reading may be open to all (--console-anonymous-read): the token is then asked for only to make changes.
  const [askToken, setAskToken] = useState(false);

  useEffect(() => {
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
    const page = PAGES.find((p) => p.hash === hash);
    document.title = `${page?.title ?? 'Console'} · scalerd`;
  }, [hash]);

  const needsToken = needsTokenFor(problem) || (askToken && !signedIn);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">scalerd</span>
        <nav aria-label="Pages">
          {PAGES.map((p) => <a key={p.hash} href={p.hash} aria-current={hash === p.hash ? 'page' : undefined}>{p.title}</a>)}
        </nav>
        <span class={`live ${live ? 'on' : 'off'}`} role="status" aria-live="polite">{live ? 'live' : 'not live'}</span>
        {signedIn
          ? <button type="button" class="link" onClick={() => { forgetToken(); setSignedIn(false); setOverview(undefined); }}>Forget token</button>
          : !needsTokenFor(problem) && !askToken && <button type="button" class="link" onClick={() => setAskToken(true)}>Sign in</button>}
      </header>
      <main id="main" tabIndex={-1}>
        {needsToken ? <SignIn why={needsTokenFor(problem) ? problem : undefined} onDone={() => { setSignedIn(true); setAskToken(false); }} />
          : problem && !overview ? <Notice kind="error">{problem.message}</Notice>
          : !overview ? <p class="quiet">Loading…</p>
          : (
            <>
              {problem && <Notice kind="warn">{problem.message}</Notice>}
              {hash === '#/overrides' ? <Overrides overview={overview} />
                : hash === '#/schedule' ? <Schedule overview={overview} />
                : hash === '#/history' ? <History overview={overview} />
                : <Overview overview={overview} />}
            </>
          )}
      </main>
    </>
  );
}

const needsTokenFor = (problem: ApiFailure | undefined): boolean => problem?.status === 401;

function SignIn({ why, onDone }: { why: ApiFailure | undefined; onDone: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setToken(value);
    try {
      await call('GET', '/api/v1/overview');
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

render(<App />, document.getElementById('app')!);
