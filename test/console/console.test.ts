// The console in a real browser (Debian's chromium through playwright-core) against
// `scalerd run` on the demo's simulated cluster: each page shows the daemon's real state
// (cross-checked with /status and kubectl) with no console error and no serious accessibility
// violation; an override made in the page reaches the cluster and the CLI, and one cleared
// with the CLI leaves the page without a reload; a change without the token is refused and
// the page says why; a scale-down's node phases reach the overview as they happen.
// The daemon reads anonymously here (--console-anonymous-read): changes need the token.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { timerSleep } from '../../src/actuate/index.js';
import { runCli } from '../../src/cli/program.js';
import { systemClock } from '../../src/clock.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim, until } from '../daemon/helpers.js';
import { freePort } from '../helpers.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { clientsFor, kubectlOk, type Clients } from '../sim/clients/helpers.js';
import { atBothSizes, collectErrors, launchBrowser, screenshot, seriousViolations } from './browser.js';

const SPEED = 10;
// Wednesday 2026-03-04, 12:00 in Amsterdam: office hours, the default 12 workers.
const NOON = Date.parse('2026-03-04T11:00:00Z');
const TOKEN = 'console-test-token-0123456789';

let sim: Sim;
let clients: Clients;
let browser: Browser;
let url: string;
let stop: AbortController;
let daemon: Promise<number>;

const io = (out: string[], err: string[], signal?: AbortSignal) => ({
  out: (t: string) => out.push(t), err: (t: string) => err.push(t), clock: sim.clock, processClock: systemClock, processSleep: timerSleep,
  sleep: (ms: number, sig?: AbortSignal) => sim.clock.sleep(ms, sig), timers: clockTimers(sim.clock), ...(signal ? { signal } : {}),
});
const cli = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, io(out, err));
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const status = async () => (await (await fetch(`${url}status`)).json()) as Record<string, any>;

beforeAll(async () => {
  sim = await startDemoSim({ speed: SPEED, startAt: NOON, awsCredentials: [{ accessKeyId: 'AKIDCONSOLETEST', secretAccessKey: 'test' }] });
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDCONSOLETEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('USER', 'oncall');
  clients = await clientsFor(sim);
  const dir = await tempDir('scalerd-console-');
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  stop = new AbortController();
  daemon = runCli(['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(sim), '--aws-region', sim.region, '--aws-endpoint', sim.awsEndpoint,
    '--listen', `127.0.0.1:${port}`, '--token-file', tokenFile, '--console-anonymous-read', '--log-level', 'error', '--log-format', 'json'], io([], [], stop.signal));
  await until('the daemon to lead and reconcile', async () => {
    try {
      const doc = await status();
      return doc.role === 'leader' && doc.last !== null && doc.observed !== null;
    } catch {
      return false;
    }
  }, 60_000);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  stop?.abort();
  await daemon;
  await clients?.dispose();
  vi.unstubAllEnvs();
  await sim?.stop();
});

/** A page of the console in a fresh tab (no token in it), collecting its errors. */
async function open(hash = '#/overview', viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${url}${hash}`);
  await page.locator('.live.on').waitFor({ timeout: 15_000 });
  return { page, errors };
}

const cell = (page: Page, row: string, field: string) => page.locator(`tr[${row}] td[data-field="${field}"]`);

async function signIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Forget token' }).waitFor();
}

describe('the console', { timeout: 120_000 }, () => {
  it('overview: the groups and workloads as /status and kubectl have them, no console error, no serious accessibility violation', async () => {
    const { page, errors } = await open();
    const doc = await status();
    await expect.poll(() => cell(page, 'data-group="workers"', 'wanted').textContent(), { timeout: 10_000 }).toBe(String(doc.desired.capacity.workers.value));
    const group = (await status()).observed.groups.workers;
    await expect.poll(() => cell(page, 'data-group="workers"', 'asg-desired').textContent(), { timeout: 10_000 }).toBe(String(group.desiredCapacity));
    await expect.poll(() => cell(page, 'data-group="workers"', 'ready').textContent(), { timeout: 10_000 }).toBe(String(group.readyNodes));
    // The replicas the page shows are the Deployment's, as kubectl reads them.
    const replicas = (await kubectlOk(clients, 'get', 'deployment', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.replicas}')).trim();
    await expect.poll(() => cell(page, 'data-workload="shop/web"', 'replicas').textContent(), { timeout: 10_000 }).toBe(replicas);
    expect(await page.locator('[data-field="role"]').textContent()).toBe('leader');
    await expect.poll(() => page.locator('.countdown').textContent()).toMatch(/^\(in (\d+ h )?\d+ min/);
    expect(await atBothSizes(page, 'overview')).toEqual({ wide: [], phone: [] });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('overrides: one stored in the page reaches the cluster and the CLI; one cleared with the CLI leaves the page without a reload', async () => {
    const { page, errors } = await open('#/overrides');
    await signIn(page);
    await page.evaluate('window.notReloaded = true');
    await page.getByLabel('shop/search').fill('5');
    await page.getByLabel('Duration, such as 3h or 1d12h').fill('2h');
    await page.getByLabel('Why (required)').fill('console test');
    await page.getByRole('button', { name: 'Store override' }).click();
    const stored = await page.getByText(/^Override [a-z2-9]{6} stored/).textContent();
    const id = /Override ([a-z2-9]{6}) stored/.exec(stored!)![1]!;
    // In the ConfigMap (kubectl), in the CLI's list, in the cluster (the StatefulSet's replicas), and on the page.
    const configMap = JSON.parse(await kubectlOk(clients, 'get', 'configmap', '-n', 'scalerd', 'scalerd-overrides', '-o', 'json')) as { data: Record<string, string> };
    expect(JSON.parse(configMap.data[id]!)).toMatchObject({ replicas: { 'shop/search': 5 }, reason: 'console test', by: 'console' });
    const listed = await cli('override', 'list', '--kubeconfig', kubeconfigFile(sim), '-o', 'json');
    expect(listed.code, listed.err).toBe(0);
    expect((JSON.parse(listed.out) as { overrides: { id: string }[] }).overrides.map((o) => o.id)).toContain(id);
    await until('the daemon to scale the StatefulSet shop/search to 5', async () => (await kubectlOk(clients, 'get', 'statefulset', '-n', 'shop', 'search', '-o', 'jsonpath={.spec.replicas}')).trim() === '5', 30_000);
    await page.locator(`tr[data-override="${id}"]`).waitFor();
    expect(await atBothSizes(page, 'overrides')).toEqual({ wide: [], phone: [] });

    const cleared = await cli('override', 'clear', id, '--kubeconfig', kubeconfigFile(sim));
    expect(cleared.code, cleared.err).toBe(0);
    await page.locator(`tr[data-override="${id}"]`).waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a change without the token is refused, and the page says why', async () => {
    const { page, errors } = await open('#/overrides');
    await page.getByLabel('workers', { exact: true }).fill('13');
    await page.getByLabel('Why (required)').fill('no token');
    await page.getByRole('button', { name: 'Store override' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('needs an Authorization: Bearer <token> header');
    const configMap = JSON.parse(await kubectlOk(clients, 'get', 'configmap', '-n', 'scalerd', 'scalerd-overrides', '-o', 'json')) as { data?: Record<string, string> };
    expect(Object.values(configMap.data ?? {}).filter((v) => v.includes('no token'))).toEqual([]);
    // The refusal's 401 is the one console error the browser reports.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.context().close();
  });

  it('schedule: the changes are plan\'s, pointing at a chart names the window, and a what-if shows on the chart', async () => {
    const { page, errors } = await open('#/schedule');
    await page.locator('.chart canvas').first().waitFor();
    // The table under the charts lists the changes `scalerd plan` prints for the same week.
    const overview = await (await fetch(`${url}api/v1/overview`)).json() as { clock: { now: string } };
    await page.getByText(/^The same as a table/).click();
    // Its rows are made as it opens.
    await page.locator('.changes-table tbody tr').first().waitFor();
    const rows = await page.locator('.changes-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-at')));
    const from = Date.parse(rows[0]!);
    const plan = await cli('plan', 'schedules/example.json', '--from', new Date(from).toISOString().replace(/\.\d{3}Z$/, 'Z'), '--days', '7', '-o', 'json');
    expect(plan.code, plan.err).toBe(0);
    const transitions = (JSON.parse(plan.out) as { transitions: { at: string }[] }).transitions.map((t) => t.at);
    expect(rows.slice(1)).toEqual(transitions);
    expect(Date.parse(overview.clock.now) - from).toBeLessThan(60_000 * SPEED);
    // Pointing at the middle of the workers chart: the values then and the window behind them.
    await page.locator('.chart .u-over').first().hover();
    await expect.poll(() => page.locator('.hover').textContent()).toMatch(/workers: \d+ nodes — (default|window \w+)/);
    expect(await page.locator('.hover').textContent()).toMatch(/UTC/);
    // What if: a draft override on the charts, nothing stored.
    await page.getByLabel('workers', { exact: true }).fill('20');
    await page.getByLabel('Duration, such as 3h or 1d12h').fill('2h');
    await page.getByLabel('Why (required)').fill('what if');
    await page.getByRole('button', { name: 'Preview on the charts' }).click();
    await page.getByText(/^Draft override:/).waitFor();
    await expect.poll(() => page.locator('.changes-table tbody tr').first().locator('td').first().textContent()).toBe('20');
    expect((await (await fetch(`${url}api/v1/overrides`)).json() as { overrides: unknown[] }).overrides).toEqual([]);
    expect(await atBothSizes(page, 'schedule')).toEqual({ wide: [], phone: [] });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a scale-down: the nodes\' phases reach the overview as they happen', async () => {
    const { page, errors } = await open();
    const seen = new Set<string>();
    const watch = setInterval(() => {
      void page.locator('td[data-field="phase"]').allTextContents().then((phases) => phases.forEach((p) => seen.add(p)), () => undefined);
    }, 50);
    try {
      const set = await cli('override', 'set', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(sim), '--group', 'workers=10', '--for', '1h', '--reason', 'scale-down test');
      expect(set.code, set.err).toBe(0);
      await until('a node of the scale-down on the page', () => seen.size > 0, 60_000);
      await until('the scale-down to finish on the page', async () => (await status()).observed.groups.workers.desiredCapacity === 10 && !(await status()).plan?.inProgress, 90_000);
    } finally {
      clearInterval(watch);
    }
    expect([...seen].every((p) => ['cordoned', 'draining', 'drained', 'terminating', 'removed'].includes(p))).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the console after a scale-down', { timeout: 60_000 }, () => {
  it('schedule with the past 7 days: what the history says was done, beside what was wanted', async () => {
    const { page, errors } = await open('#/schedule');
    await page.locator('.chart canvas').first().waitFor();
    expect((await (await fetch(`${url}api/v1/timeline?past=0`)).json() as { done?: unknown }).done).toBeUndefined();
    await page.getByLabel('and the past 7 days').check();
    await page.locator('.u-legend', { hasText: 'workers (done)' }).waitFor();
    await page.locator('.u-legend', { hasText: 'shop/search (done)' }).waitFor();
    // The last step done is the Auto Scaling group's desired capacity now, as /status observes it.
    const timeline = await (await fetch(`${url}api/v1/timeline?past=7`)).json() as { done: { capacity: Record<string, { value: number; outcome: string }[]> } };
    expect(timeline.done.capacity['workers']!.at(-1)).toMatchObject({ value: (await status()).observed.groups.workers.desiredCapacity, outcome: 'done' });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'schedule-past-1280x800');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('history: the scale-down recorded, filtered by outcome; keyboard users reach every page', async () => {
    const { page, errors } = await open('#/history');
    await page.locator('tr[data-entry]').first().waitFor({ timeout: 20_000 });
    const entries = await page.locator('tr[data-entry]').count();
    expect(entries).toBeGreaterThan(0);
    // The scale-down's evictions, as the history ConfigMap (kubectl) has them.
    const history = JSON.parse(await kubectlOk(clients, 'get', 'configmap', '-n', 'scalerd', 'scalerd-history', '-o', 'json')) as { data: Record<string, string> };
    const down = Object.values(history.data).map((v) => JSON.parse(v) as { id: string; nodes: { evicted?: number }[] }).find((e) => e.nodes.length > 0)!;
    const evicted = down.nodes.reduce((sum, n) => sum + n.evicted!, 0);
    expect(evicted).toBeGreaterThan(0);
    expect(await page.locator(`tr[data-entry="${down.id}"] td[data-field="evictions"]`).textContent()).toMatch(new RegExp(`^${evicted} evicted( \\(|$)`));
    await page.getByLabel('Outcome').selectOption('failed');
    await expect.poll(() => page.locator('tr[data-entry]').count()).toBe(0);
    await page.getByLabel('Outcome').selectOption('');
    await expect.poll(() => page.locator('tr[data-entry]').count()).toBe(entries);
    expect(await atBothSizes(page, 'history')).toEqual({ wide: [], phone: [] });
    // The keyboard alone: Tab from the top reaches the skip link, then each page's link.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    const reached: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      reached.push(String(await page.evaluate('document.activeElement.textContent')));
    }
    expect(reached).toEqual(['Overview', 'Schedule', 'Overrides', 'History']);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('location.hash')).toBe('#/history');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
