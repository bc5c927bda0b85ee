// Watches through the official Python client (python3-kubernetes), which asks for
// watch=True and allowWatchBookmarks=True: it gets a stream of events, BOOKMARKs once a
// simulated minute has passed, and, resuming from a resourceVersion older than the
// watch history (75 s), a 410 that its caller recovers from by listing again. The clock
// is manual: the test moves it once the client's watch is open.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.js';
import { type Clients, START, clientsFor, runPython, shippedScenario, waitFor } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  sim = await startSim({ scenario: await shippedScenario('small'), manualClock: true, startAt: START });
  c = await clientsFor(sim);
});

afterAll(async () => {
  await sim?.stop();
  await c?.dispose();
});

const watches = () => sim.recorder.requests()['watch pods'] ?? 0;

/** Labels a shop pod (a MODIFIED for watchers of shop's pods); its name. */
function touch(value: string): string {
  const pod = sim.store.list('pods', 'shop')[0]!;
  sim.store.mutate('pods', 'shop', pod.metadata.name, (p) => { p.metadata.labels = { ...p.metadata.labels, touched: value }; });
  return pod.metadata.name;
}

/** Python that streams shop's pods from `rv` until a pod labelled touched=`value` is MODIFIED, appending what it saw to `out`. */
const streamUntilTouched = (rv: string, value: string, extra = '') => `
w = kubernetes.watch.Watch()
for e in w.stream(core.list_namespaced_pod, 'shop', resource_version=${rv}, timeout_seconds=20${extra}):
    o = e['raw_object']
    out.append({'type': e['type'], 'name': o['metadata'].get('name'), 'rv': o['metadata'].get('resourceVersion'), 'kind': o.get('kind')})
    if e['type'] == 'MODIFIED' and (o['metadata'].get('labels') or {}).get('touched') == '${value}':
        w.stop()
`;

describe('watching through the Python client', () => {
  it('streams events (watch=True is a watch) and BOOKMARKs each simulated minute (allowWatchBookmarks=True)', async () => {
    const before = watches();
    const answer = runPython(c, `out = []
rv = core.list_namespaced_pod('shop').metadata.resource_version
${streamUntilTouched('rv', 'one', ', allow_watch_bookmarks=True')}
print(json.dumps(out))`);
    await waitFor(() => watches() > before, { timeoutMs: 20_000, what: 'the Python client\'s watch' });
    sim.clock.advance(60_000);
    const name = touch('one');
    const seen = await answer;
    expect(seen).toEqual([
      { type: 'BOOKMARK', name: null, rv: expect.any(String), kind: 'Pod' },
      { type: 'MODIFIED', name, rv: String(sim.store.get('pods', 'shop', name)!.metadata.resourceVersion), kind: 'Pod' },
    ]);
    expect(Number(seen[0].rv)).toBeLessThan(Number(seen[1].rv));
  });

  it('resuming from a resourceVersion older than the history: 410 Expired, then a new list and a watch from it work', async () => {
    const old = String(sim.store.resourceVersion);
    touch('before');
    sim.clock.advance(75_001);
    const before = watches();
    const answer = runPython(c, `out = []
try:
    for e in kubernetes.watch.Watch().stream(core.list_namespaced_pod, 'shop', resource_version='${old}', timeout_seconds=20):
        out.append({'type': e['type']})
except ApiException as e:
    out.append({'status': e.status, 'reason': e.reason})
listed = core.list_namespaced_pod('shop')
out.append({'relisted': len(listed.items)})
${streamUntilTouched('listed.metadata.resource_version', 'after')}
print(json.dumps(out))`);
    await waitFor(() => watches() >= before + 2, { timeoutMs: 20_000, what: 'the Python client\'s second watch' });
    const name = touch('after');
    const seen = await answer;
    expect(seen[0]).toEqual({ status: 410, reason: expect.stringMatching(new RegExp(`^Expired: too old resource version: ${old} \\(\\d+\\)$`)) });
    expect(seen[1]).toEqual({ relisted: sim.store.list('pods', 'shop').length });
    expect(seen.slice(2)).toEqual([{ type: 'MODIFIED', name, rv: sim.store.get('pods', 'shop', name)!.metadata.resourceVersion, kind: 'Pod' }]);
  });
});
