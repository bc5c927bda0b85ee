// Issue 12 for what the overrides and history commands print, through the built CLI
// against the simulator: reasons with newlines, ANSI escapes, NUL and bidi overrides, set
// with --reason or edited by hand into the ConfigMaps through the Kubernetes API, keys
// included. Text output shows them escaped (and the tables stay tables); JSON output
// gives them back byte for byte.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../src/sim/index.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { rawControls } from '../text/never-raw.js';
import { bin } from './bin.js';
import { ASG, threeNodes } from './engine-helpers.js';

/** What `override set --reason` can carry: anything but NUL, which no argv can hold. */
const SET_REASON = 'line one\nforged line \x1b[31mred\x1b[0m \u202eevil\u202c \u009b2J';
const SET_REASON_SHOWN = 'line one\\nforged line \\x1b[31mred\\x1b[0m \\u202eevil\\u202c \\x9b2J';
/** Written by hand into the ConfigMap. */
const HAND_REASON = 'NUL\u0000 here, \x1b]0;pwned\x07 title, \u202edesrever';
const HAND_REASON_SHOWN = 'NUL\\x00 here, \\x1b]0;pwned\\x07 title, \\u202edesrever';
const HAND_BY = 'mallory\r\n\u200broot';
const HAND_BY_SHOWN = 'mallory\\r\\n\\u200broot';
const HAND_GROUP = 'gp\x1b[8mu';
/** Not a ConfigMap key (the API server would refuse it; the simulator does not): reported. */
const HAND_KEY = 'evil\x1b[2J\u202ekey';
const HAND_KEY_SHOWN = 'evil\\x1b[2J\\u202ekey';

type Bed = { sim: Sim; core: CoreV1Api; kube: string[]; schedule: string };
let bed: Bed;

/** The CLI's AWS key, registered with the simulator, which refuses any other. */
const env = { USER: 'alice', AWS_ACCESS_KEY_ID: 'AKIDTERMINAL', AWS_SECRET_ACCESS_KEY: 'test' };

beforeEach(async () => {
  const sim = await startSim({ scenario: { ...threeNodes(), namespaces: ['scalerd'] }, awsCredentials: [{ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }] });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  const schedule = join(tempDir('scalerd-terminal-'), 'schedule.json');
  writeFileSync(schedule, JSON.stringify({
    version: 1,
    timezone: 'UTC',
    nodeGroups: { workers: { asg: ASG, min: 2, max: 5 } },
    default: { capacity: { workers: 3 } },
  }));
  bed = { sim, core: kc.makeApiClient(CoreV1Api), kube: ['--kubeconfig', kubeconfigFile(sim)], schedule };
});
afterEach(async () => {
  await bed.sim.stop();
});

const run = (...argv: string[]) => bin(argv, env);

/** Adds entries to a ConfigMap of scalerd's namespace as `kubectl edit` would: read, change, replace. */
async function editByHand(name: string, data: Record<string, string>): Promise<void> {
  const namespace = 'scalerd';
  const current = await bed.core.readNamespacedConfigMap({ name, namespace }).catch(() => undefined);
  if (current) await bed.core.replaceNamespacedConfigMap({ name, namespace, body: { ...current, data: { ...current.data, ...data } } });
  else await bed.core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace }, data } });
}

function handOverride(capacity: Record<string, number>): string {
  const now = Date.now();
  return JSON.stringify({
    capacity, from: new Date(now - 60_000).toISOString(), until: new Date(now + 7_200_000).toISOString(),
    reason: HAND_REASON, by: HAND_BY, createdAt: new Date(now + 1_000).toISOString(),
  });
}

function expectNothingRaw(result: { out: string; err: string }): void {
  expect(rawControls(result.out), result.out).toEqual([]);
  expect(rawControls(result.err), result.err).toEqual([]);
}

describe('override set, list and clear on a terminal', () => {
  it('show reasons, names and keys escaped, the table intact; -o json gives them exactly', async () => {
    const set = await run('override', 'set', '--schedule', bed.schedule, ...bed.kube, '--group', 'workers=4', '--for', '3h', '--reason', SET_REASON);
    expect(set.code, set.err).toBe(0);
    expectNothingRaw(set);
    expect(set.out).toContain(`\n  reason ${SET_REASON_SHOWN}\n  by     alice`);
    const id = /^override ([a-z2-9]{6}) set/.exec(set.out)![1]!;

    await editByHand('scalerd-overrides', { 'by-hand': handOverride({ workers: 3, [HAND_GROUP]: 2 }), [HAND_KEY]: 'not JSON \x1b[5m' });
    const stored = await bed.core.readNamespacedConfigMap({ name: 'scalerd-overrides', namespace: 'scalerd' });
    expect(JSON.parse(stored.data![id]!).reason).toBe(SET_REASON);

    const list = await run('override', 'list', ...bed.kube);
    expect(list.code, list.err).toBe(0);
    expectNothingRaw(list);
    const lines = list.out.trimEnd().split('\n');
    expect(lines, list.out).toHaveLength(3);
    const [header, newest, older] = lines as [string, string, string];
    // The reason column starts at the same place in every row: widths of the escaped text.
    expect(newest.indexOf(HAND_REASON_SHOWN)).toBe(header.indexOf('REASON'));
    expect(older.indexOf(SET_REASON_SHOWN)).toBe(header.indexOf('REASON'));
    expect(newest).toMatch(new RegExp(`^by-hand\\s+active\\s+workers=3, gp\\\\x1b\\[8mu=2\\s`));
    expect(newest.endsWith(HAND_BY_SHOWN)).toBe(true);
    expect(list.err).toBe(`warning SCALERD_ERR_OVERRIDE_ENTRY: overrides entry "${HAND_KEY_SHOWN}": the key is not a ConfigMap key; the entry is skipped (fix it with kubectl edit, or remove it with "scalerd override clear ${HAND_KEY_SHOWN}")\n`);

    const json = await run('override', 'list', ...bed.kube, '-o', 'json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out) as { overrides: { id: string; reason: string; by: string; capacity: Record<string, number> }[]; problems: { key: string; message: string }[] };
    expect(doc.overrides.map((o) => [o.id, o.reason, o.by])).toEqual([['by-hand', HAND_REASON, HAND_BY], [id, SET_REASON, 'alice (kube user scalerd-sim)']]);
    expect(doc.overrides[0]!.capacity).toEqual({ workers: 3, [HAND_GROUP]: 2 });
    expect(doc.problems.map((p) => p.key)).toEqual([HAND_KEY]);
    // Not escaped for the terminal: JSON escapes the C0 controls its own way, and leaves U+202E as it is.
    expect(json.out).toContain('\u202edesrever');
    expect(json.out).not.toContain('\\u202edesrever');

    const cleared = await run('override', 'clear', HAND_KEY, ...bed.kube);
    expect(cleared).toEqual({ code: 0, out: `cleared ${HAND_KEY_SHOWN} from configmap scalerd/scalerd-overrides\n`, err: '' });

    // An error that quotes the ConfigMap's keys (sorted: the random id may come first) and the argument.
    const missing = await run('override', 'clear', 'nosuch\x1b[31m', ...bed.kube);
    expect(missing.code).toBe(1);
    expectNothingRaw(missing);
    expect(missing.err).toBe(`error SCALERD_ERR_OVERRIDE_NOT_FOUND: no override nosuch\\x1b[31m in configmap scalerd/scalerd-overrides (it holds ${['by-hand', id].sort().join(', ')}); nothing was cleared\n`);
  });
});

describe('status on a terminal', () => {
  it('shows the reason and who set an override edited by hand, escaped; -o json exactly', async () => {
    await editByHand('scalerd-overrides', { 'by-hand': handOverride({ workers: 3, [HAND_GROUP]: 2 }) });
    const connection = ['--schedule', bed.schedule, ...bed.kube, '--aws-region', bed.sim.region, '--aws-endpoint', bed.sim.awsEndpoint];
    const text = await run('status', ...connection);
    expect(text.code, text.err).toBe(0);
    expectNothingRaw(text);
    expect(text.out).toContain(`override by-hand (${HAND_REASON_SHOWN}, by ${HAND_BY_SHOWN})`);
    expect(text.out).toMatch(/^note: .*gp\\x1b\[8mu/m);

    const json = await run('status', ...connection, '-o', 'json');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.out) as { desired: { capacity: { workers: { source: unknown } } } }).desired.capacity.workers.source)
      .toMatchObject({ kind: 'override', id: 'by-hand', reason: HAND_REASON, by: HAND_BY });
  });
});

describe('history on a terminal', () => {
  it('shows an entry edited by hand escaped, and an unreadable key escaped; -o json exactly', async () => {
    const entry = {
      id: '20260302T200000Z-abcd', start: '2026-03-02T20:00:00.000Z', end: '2026-03-02T20:03:00.000Z', direction: 'down', outcome: 'done',
      message: 'done', groups: { [HAND_GROUP]: { from: 3, to: 2 } }, added: 0, nodes: [], workloads: {}, reason: HAND_REASON, by: 'scalerd-0',
    };
    await editByHand('scalerd-history', { [entry.id]: JSON.stringify(entry), [HAND_KEY]: '{' });
    const text = await run('history', ...bed.kube);
    expect(text.code, text.err).toBe(0);
    expectNothingRaw(text);
    const lines = text.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^START \(UTC\)\s+DURATION\s+DIRECTION\s+OUTCOME\s+GROUPS\s+NODES -\/\+\s+EVICTED\s+REASON$/);
    expect(lines[1]).toBe(`2026-03-02T20:00:00Z  3m00s     down       done     gp\\x1b[8mu 3→2  -0/+0            0  ${HAND_REASON_SHOWN}`);
    expect(lines[2]).toBe(`entry ${HAND_KEY_SHOWN} of configmap scalerd/scalerd-history cannot be read; skipped`);

    const json = JSON.parse((await run('history', ...bed.kube, '-o', 'json')).out) as { entries: { reason: string }[]; unreadable: string[] };
    expect(json.entries[0]!.reason).toBe(HAND_REASON);
    expect(json.unreadable).toEqual([HAND_KEY]);
  });
});
