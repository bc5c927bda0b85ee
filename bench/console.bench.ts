// The web console (issue 16): "time to first paint of the overview for the 1,000-node
// simulated cluster (target < 1 s on this machine), lag from a node's phase change to the
// page (target < 1 s), chart render for 30 days × 3 groups × 5 workloads (target < 200 ms)."
//
// The built daemon (`node dist/cli/main.js run`, rebuilt first with the console's page) and
// `scalerd sim` each in a process of their own, the page in Debian's chromium (headless,
// through playwright-core, launched as the console's tests launch it). Every figure is the
// median of RUNS, each in a fresh browser context (no cache, no storage), after one load of
// each kind that is not counted (the browser's and the daemon's first-time costs).
//
// - First paint: `scalerd sim --nodes 1000 --pods-per-node 30` (30,000 pods), its schedule
//   equal to the cluster so the daemon is idle. From navigation start to the overview's
//   group row showing the Ready count, as the browser painted it (Element Timing on that
//   cell); also first-contentful-paint. Baseline, same run, timed the same way: the same
//   overview as static HTML (the page the console rendered, its script left out, the same
//   stylesheet) from a bare Node HTTP server: what the browser alone needs to show that
//   document. Also the console on a 6-node cluster (figure 3's): what the 1,000 nodes cost.
// - Phase lag: with the overview open, three overrides each remove 3 nodes; every node
//   phase (cordoned … removed) is timestamped where the daemon holds it (/status polled
//   every POLL_MS), where the page shows it (a MutationObserver on the phase cells, then the
//   task after the next frame: painted), and at a plain Node client of /api/v1/events (the
//   baseline: what the feed and the loopback alone take). One wall clock, this machine's.
//   A change's lag is to the page showing that phase or a later one (a phase shorter than
//   the feed's 250 ms look is overtaken); the target holds the max. Also the daemon's
//   longest event-loop stall meanwhile, from its own metric.
// - Charts: a 3-group, 5-workload schedule over 30 days (an hourly batch window makes it
//   ~1,600 changes), from the timeline's last byte (Resource Timing) to the last chart's
//   draw (the page's own User Timing marks, web/src/chart.tsx). Baseline: uPlot alone
//   drawing the same JSON into charts of the same size and options on a bare page (no
//   Preact, no table, no marks layer): what the library itself costs. Also the 7-day range.
//   Measured first, before the 1,000-node cluster starts.
//
// bench/README.md ("console") has the details and what the figures found.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SseParser } from '../src/http/sse.js';
import { PHASES } from '../src/plan/marks.js';
import { launchBrowser } from '../test/console/browser.js';
import { buildDist, daemonStatus, ledReconcile, median, ROOT, start, startSim, stop, until, type SimProcess, type Started } from './processes.js';
import type { BenchResult } from './run.js';

const RUNS = 5;
const NODES = 1000;
const PODS_PER_NODE = 30;
const PAINT_TARGET_MS = 1_000;
const LAG_TARGET_MS = 1_000;
const CHART_TARGET_MS = 200;
/** Each round an override removes 3 nodes: bounded, and 15 phase changes a round. */
const ROUNDS = [997, 994, 991];
const POLL_MS = 20;
const ROUND_TIMEOUT_MS = 300_000;
const TERMINAL = ['removed', 'rolled-back', 'failed', 'stopped'];
/** A node's phases in the order it passes them; a final one last. */
const order = (phase: string): number => (TERMINAL.includes(phase) ? PHASES.length : PHASES.indexOf(phase as (typeof PHASES)[number]));
const VIEWPORT = { width: 1280, height: 800 };
const TOKEN = `bench-console-${process.pid}-0123456789abcdef`;
const DAY = 86_400_000;

/** The generated cluster as a schedule: desired equals observed, the daemon idle until an override. */
const BIG_WORKLOADS = ['load-0/app-0', 'load-0/app-1', 'load-0/app-2', 'load-0/app-3', 'load-0/app-4'];
const BIG_SCHEDULE = {
  version: 1,
  timezone: 'Europe/Amsterdam',
  nodeGroups: { workers: { asg: 'sim-workers', min: 0, max: 2 * NODES } },
  workloads: Object.fromEntries(BIG_WORKLOADS.map((w) => [w, { kind: 'Deployment' }])),
  default: { capacity: { workers: NODES }, replicas: Object.fromEntries(BIG_WORKLOADS.map((w) => [w, 30])) },
};

const GROUPS = ['web', 'batch', 'search'];
const WORKLOADS = ['shop/web', 'shop/api', 'shop/cart', 'batch/report', 'search/index'];
/** Figure 3's cluster: 3 groups of 2 nodes, the 5 workloads at 2 replicas (the schedule's default). */
const CHART_SCENARIO = {
  name: 'bench-console-charts',
  description: 'bench/console.bench.ts: 3 node groups, 5 workloads',
  region: 'eu-west-1',
  namespaces: ['scalerd'],
  nodeGroups: GROUPS.map((g) => ({
    name: g, asg: `bench-${g}`, zones: ['eu-west-1a', 'eu-west-1b'], min: 1, max: 40, desired: 2, instanceType: 'm6i.xlarge',
    allocatable: { cpu: '3920m', memory: '14Gi', pods: 58 }, labels: { 'scalerd.io/node-group': g },
  })),
  workloads: WORKLOADS.map((w) => {
    const [namespace, name] = w.split('/') as [string, string];
    return { namespace, name, kind: 'Deployment', replicas: 2, requests: { cpu: '100m', memory: '128Mi' } };
  }),
};

/**
 * 3 groups, 5 workloads, 9 windows of every kind over the next 30 days: office hours, nights,
 * weekends and holidays (a date list, two days from now + 9), lunch and evening peaks, an
 * hourly batch job, a nightly report, a 4-hourly index rebuild, a release freeze (absolute).
 */
function chartSchedule(now: number) {
  const day = (offset: number) => new Date(now + offset * DAY).toISOString().slice(0, 10);
  const local = (offset: number) => `${day(offset)}T06:00`;
  return {
    version: 1,
    description: 'bench/console.bench.ts: 30 days × 3 groups × 5 workloads',
    timezone: 'Europe/Amsterdam',
    dateLists: { holidays: [day(9), day(10)] },
    nodeGroups: Object.fromEntries(GROUPS.map((g) => [g, { asg: `bench-${g}`, min: 1, max: 40 }])),
    workloads: Object.fromEntries(WORKLOADS.map((w) => [w, { kind: 'Deployment', min: 1, max: 40 }])),
    default: { capacity: Object.fromEntries(GROUPS.map((g) => [g, 2])), replicas: Object.fromEntries(WORKLOADS.map((w) => [w, 2])) },
    windows: [
      { name: 'office-hours', weekly: { days: 'Mon-Fri', from: '08:00', to: '18:00' }, exceptOn: ['holidays'], capacity: { web: 6, search: 4 }, replicas: { 'shop/web': 8, 'shop/api': 6, 'shop/cart': 4, 'search/index': 4 } },
      { name: 'weeknights', weekly: { days: 'Sun-Thu', from: '20:00', to: '07:00' }, capacity: { web: 1, search: 1 }, replicas: { 'shop/web': 1, 'shop/api': 1, 'shop/cart': 1 } },
      { name: 'weekends', weekly: { days: ['Sat', 'Sun'], from: '00:00', to: '24:00' }, alsoOn: ['holidays'], priority: 1, capacity: { web: 1, batch: 1, search: 1 }, replicas: { 'shop/web': 2, 'shop/api': 1, 'shop/cart': 1 } },
      { name: 'lunch-peak', weekly: { days: 'Mon-Fri', from: '11:30', to: '14:00' }, exceptOn: ['holidays'], priority: 2, capacity: { web: 9 }, replicas: { 'shop/web': 12, 'shop/cart': 6 } },
      { name: 'evening-peak', weekly: { days: 'Mon-Sun', from: '18:00', to: '21:30' }, capacity: { web: 5 }, replicas: { 'shop/web': 6 } },
      { name: 'batch-hourly', cron: { start: '0 * * * *', duration: '20m' }, capacity: { batch: 6 }, replicas: { 'batch/report': 6 } },
      { name: 'reports-nightly', cron: { start: '30 2 * * *', duration: '2h' }, priority: 3, capacity: { batch: 12 }, replicas: { 'batch/report': 10 } },
      { name: 'index-rebuild', cron: { start: '15 */4 * * *', duration: '45m' }, capacity: { search: 5 }, replicas: { 'search/index': 6 } },
      { name: 'release-freeze', absolute: { from: local(5), to: local(7) }, capacity: { web: 8, search: 4 }, replicas: { 'shop/web': 10 } },
    ],
  };
}

// ---- In the page. Strings: this file is compiled without the DOM's types.

/**
 * Installed before the page's own script: when the overview's group row first shows a Ready
 * count, the cell gets an `elementtiming` attribute (before it is painted), so the browser
 * reports when it painted it; first-contentful-paint from the Paint Timing API.
 */
const PAINT_PROBE = `(() => {
  const b = window.__bench = {};
  const look = () => {
    if (b.contentDomMs !== undefined) return;
    const cell = document.querySelector('tr[data-group] td[data-field="ready"]');
    if (!cell || !/^\\d+$/.test(cell.textContent.trim())) return;
    b.contentDomMs = performance.now();
    b.readyText = cell.textContent.trim();
    cell.setAttribute('elementtiming', 'bench-ready');
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') b.fcpMs = e.startTime; }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.identifier === 'bench-ready') b.contentPaintMs = e.renderTime || e.loadTime; }).observe({ type: 'element', buffered: true });
})()`;
const PAINT_READ = 'window.__bench && window.__bench.contentPaintMs !== undefined && window.__bench.fcpMs !== undefined ? window.__bench : undefined';

/**
 * Each node phase the overview shows, once: when its cell first says it (dom) and when the
 * frame that shows it has been painted (a task queued from that frame's requestAnimationFrame
 * runs after it is rendered). Date.now(): the clock the Node side reads too.
 */
const PHASE_PROBE = `(() => {
  const seen = window.__phases = [];
  const keys = new Set();
  const look = () => {
    for (const row of document.querySelectorAll('tr[data-node]')) {
      const cell = row.querySelector('td[data-field="phase"]');
      const key = row.getAttribute('data-node') + '|' + (cell ? cell.textContent.trim() : '');
      if (!cell || keys.has(key)) continue;
      keys.add(key);
      const entry = { key, domAt: Date.now() };
      seen.push(entry);
      requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => { entry.paintedAt = Date.now(); }; c.port2.postMessage(0); });
    }
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
})()`;

/** From `resource`'s last byte to the first draw of each of `charts` charts after it; undefined until all have drawn. */
const chartTimes = (resource: string, charts: number) => `(() => {
  const r = performance.getEntriesByType('resource').filter((e) => e.name.includes(${JSON.stringify(resource)})).at(-1);
  if (!r) return undefined;
  const drawn = new Map();
  for (const m of performance.getEntriesByName('scalerd:chart-drawn')) if (m.startTime >= r.responseEnd && !drawn.has(m.detail)) drawn.set(m.detail, m.startTime);
  if (drawn.size < ${charts}) return undefined;
  const last = Math.max(...drawn.values());
  return { renderMs: last - r.responseEnd, fromRequestMs: last - r.startTime, bytes: r.encodedBodySize };
})()`;

/** uPlot alone: the same charts as web/src/chart.tsx (size, options, stepped series), from the same JSON. */
const BARE_CHARTS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>uPlot alone</title><link rel="stylesheet" href="/uplot.css"><script src="/uplot.js"></script></head>
<body><div id="charts"></div><script>
const width = Number(new URLSearchParams(location.search).get('w'));
const PALETTE = ['#2f6fde', '#d6336c', '#2b8a3e', '#e67700', '#7048e8', '#0c8599', '#868e96'];
const seconds = (iso) => Date.parse(iso) / 1000;
fetch('/timeline.json').then((r) => r.json()).then((t) => {
  const xs = [...t.points.map((p) => seconds(p.at)), seconds(t.to)];
  const charts = [
    ...t.groups.map((g) => ({ title: g.name + ': nodes', series: [{ label: g.name, value: (p) => p.state.capacity[g.name] ?? 0 }] })),
    { title: 'Workloads: replicas', series: t.workloads.map((w) => ({ label: w.key, value: (p) => p.state.replicas[w.key] ?? 0 })) },
  ];
  for (const c of charts) {
    const element = document.createElement('div');
    document.getElementById('charts').append(element);
    const ys = c.series.map((s) => [...t.points.map(s.value), s.value(t.points.at(-1))]);
    const axis = { stroke: '#222', grid: { stroke: '#ddd', width: 1 }, ticks: { stroke: '#ddd', width: 1 } };
    new uPlot({
      title: c.title, width, height: Math.max(180, Math.min(320, Math.round(width * 0.35))),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), t.timezone),
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max + 1, 1)] } },
      axes: [axis, { ...axis, size: 40 }],
      series: [{}, ...c.series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }))],
      cursor: { drag: { x: false, y: false } }, legend: { live: true },
      hooks: { draw: [() => { performance.mark('scalerd:chart-drawn', { detail: c.title }); }] },
    }, [xs, ...ys], element);
  }
});
</script></body></html>`;

// ---- Processes and servers.

type Daemon = { process: Started; port: number; url: string };

function listeningPort(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    try {
      const e = JSON.parse(line) as { event?: string; port?: number };
      if (e.event === 'listening') return e.port;
    } catch {
      // not a log line
    }
  }
  return undefined;
}

/** `scalerd run` on `sim` with the console read anonymously (changes need the token); ready once it led a reconcile. */
async function startDaemon(sim: SimProcess, schedule: string, tokenFile: string, extra: readonly string[] = [], nodeArgs: readonly string[] = []): Promise<Daemon> {
  const p = start([...nodeArgs, 'dist/cli/main.js', 'run', '--schedule', schedule, '--kubeconfig', sim.kubeconfig, '--aws-region', sim.region, '--aws-endpoint', sim.server,
    '--listen', '127.0.0.1:0', '--token-file', tokenFile, '--console-anonymous-read', '--log-format', 'json', '--identity', 'bench-console', ...extra], sim.awsEnv);
  const port = await until('the daemon to listen', () => listeningPort(p.lines), 60_000, 10);
  await until('the daemon to lead a reconcile', () => ledReconcile(port), 180_000, 50);
  return { process: p, port, url: `http://127.0.0.1:${port}/` };
}

/** A bare Node HTTP server of fixed bodies: the baselines' pages. */
async function bareServer(files: Readonly<Record<string, { body: string | Buffer; type: string }>>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://bare').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': String(Buffer.byteLength(file.body)), 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the bare server has no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

/** page.evaluate until it gives a value (waitForFunction would eval in the page, which the console's CSP refuses). */
function pageUntil<T>(page: Page, what: string, expression: string, timeoutMs = 30_000): Promise<T> {
  return until(what, async () => ((await page.evaluate(expression)) ?? undefined) as T | undefined, timeoutMs, 10);
}

// ---- Figure 1: first paint.

type Paint = { fcpMs: number; contentPaintMs: number; contentDomMs: number; readyText: string };

async function firstPaint(browser: Browser, url: string): Promise<Paint> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript(PAINT_PROBE);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    return await pageUntil<Paint>(page, `the overview's Ready count painted at ${url}`, PAINT_READ);
  } finally {
    await context.close();
  }
}

/** The overview as the console rendered it, without its script: the static baseline's document. */
async function overviewSnapshot(browser: Browser, url: string): Promise<string> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript(PAINT_PROBE);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await pageUntil(page, 'the overview', PAINT_READ);
    const html = await page.evaluate('"<!doctype html>\\n" + document.documentElement.outerHTML') as string;
    return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
  } finally {
    await context.close();
  }
}

// ---- Figure 2: phase lag.

type PhaseSeen = { key: string; round: number; statusAt?: number; statusWindowMs?: number; sseAt?: number; domAt?: number; paintedAt?: number };

/** Each (node, phase) of /status's plan, first seen: between the previous poll's send and this poll's answer. */
function watchStatus(port: number, seen: Map<string, PhaseSeen>, round: () => number, signal: AbortSignal): Promise<void> {
  return (async () => {
    let previousSent = Date.now();
    while (!signal.aborted) {
      const sent = Date.now();
      const doc = await daemonStatus(port);
      const at = Date.now();
      for (const [node, p] of Object.entries((doc?.plan?.nodes ?? {}) as Record<string, { phase: string }>)) {
        const key = `${node}|${p.phase}`;
        const entry = seen.get(key) ?? { key, round: round() };
        if (entry.statusAt === undefined) {
          // The change came after the daemon answered the previous poll (sent at previousSent) and before it answered this one.
          entry.statusAt = (previousSent + at) / 2;
          entry.statusWindowMs = at - previousSent;
          seen.set(key, entry);
        }
      }
      previousSent = sent;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
}

/**
 * The daemon's longest event-loop stall between scrapes of /metrics every second
 * (prom-client's monitorEventLoopDelay, reset at every scrape): what holds the feed's looks back.
 */
function watchStalls(port: number, stalls: { at: number; ms: number }[], signal: AbortSignal): Promise<void> {
  return (async () => {
    while (!signal.aborted) {
      try {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        stalls.push({ at: Date.now(), ms: Number(/^scalerd_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1]) * 1000 });
      } catch {
        // the daemon is stopping
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
}

/** A plain Node client of the console's live feed: each (node, phase) first seen as its event arrives. */
async function watchEvents(url: string, seen: Map<string, PhaseSeen>, round: () => number, signal: AbortSignal): Promise<void> {
  try {
    const response = await fetch(`${url}api/v1/events`, { headers: { accept: 'text/event-stream' }, signal });
    if (!response.ok || !response.body) throw new Error(`/api/v1/events answered ${response.status}`);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = Date.now();
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        if (event.event !== 'overview') continue;
        const nodes = ((JSON.parse(event.data) as { status?: { plan?: { nodes?: Record<string, { phase: string }> } } }).status?.plan?.nodes) ?? {};
        for (const [node, p] of Object.entries(nodes)) {
          const key = `${node}|${p.phase}`;
          const entry = seen.get(key) ?? { key, round: round() };
          entry.sseAt ??= at;
          seen.set(key, entry);
        }
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

async function phaseLag(browser: Browser, big: SimProcess, daemon: Daemon, schedule: string) {
  const seen = new Map<string, PhaseSeen>();
  const stalls: { at: number; ms: number }[] = [];
  let round = 0;
  const context = await browser.newContext({ viewport: VIEWPORT });
  const stopWatching = new AbortController();
  const watchers: Promise<void>[] = [];
  try {
    await context.addInitScript(PHASE_PROBE);
    const page = await context.newPage();
    await page.goto(`${daemon.url}#/overview`);
    await page.locator('.live.on').waitFor({ timeout: 30_000 });
    watchers.push(watchStatus(daemon.port, seen, () => round, stopWatching.signal), watchEvents(daemon.url, seen, () => round, stopWatching.signal), watchStalls(daemon.port, stalls, stopWatching.signal));
    const pageSeen = async () => (await page.evaluate('window.__phases')) as { key: string; domAt: number; paintedAt?: number }[];
    const roundMs: number[] = [];
    for (const [i, target] of ROUNDS.entries()) {
      round = i + 1;
      const at = performance.now();
      const set = start(['dist/cli/main.js', 'override', 'set', '--schedule', schedule, '--kubeconfig', big.kubeconfig, '--group', `workers=${target}`, '--for', '1h', '--reason', `bench console round ${round}`]);
      if ((await set.exited) !== 0) throw new Error(`override set workers=${target} failed: ${set.lines.join('\n')}`);
      // Done: as many nodes as the override removes seen in a final phase, and no plan under way.
      const removing = (i === 0 ? NODES : ROUNDS[i - 1]!) - target;
      await until(`round ${round}: the scale-down to ${target} nodes`, async () => {
        const ended = new Set([...seen.values()].filter((x) => x.round === round && x.statusAt !== undefined && TERMINAL.includes(x.key.split('|')[1]!)).map((x) => x.key.split('|')[0]));
        if (ended.size < removing) return undefined;
        const doc = await daemonStatus(daemon.port);
        return doc?.plan && !doc.plan.inProgress ? true : undefined;
      }, ROUND_TIMEOUT_MS, 100);
      roundMs.push(performance.now() - at);
      // The page's last phases: within a few seconds, or counted as not shown.
      const finals = [...seen.values()].filter((s) => s.round === round && TERMINAL.includes(s.key.split('|')[1]!)).map((s) => s.key);
      await until(`round ${round}: the final phases on the page`, async () => {
        const shown = new Set((await pageSeen()).filter((p) => p.paintedAt !== undefined).map((p) => p.key));
        return finals.every((k) => shown.has(k)) ? true : undefined;
      }, 5_000, 50).catch(() => undefined);
    }
    for (const p of await pageSeen()) {
      const entry = seen.get(p.key) ?? { key: p.key, round };
      entry.domAt = p.domAt;
      if (p.paintedAt !== undefined) entry.paintedAt = p.paintedAt;
      seen.set(p.key, entry);
    }
    return { seen: [...seen.values()], roundMs, stalls: stalls.slice(1) };
  } finally {
    stopWatching.abort();
    await Promise.allSettled(watchers);
    await context.close();
  }
}

// ---- Figure 3: charts.

type ChartTime = { renderMs: number; fromRequestMs: number; bytes: number };

/** The schedule page: 7 days as it opens, then 30 chosen in its Range control; the width its charts have. */
async function consoleCharts(browser: Browser, url: string, charts: number): Promise<{ week: ChartTime; month: ChartTime; width: number }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(`${url}#/schedule`, { waitUntil: 'commit' });
    const week = await pageUntil<ChartTime>(page, 'the 7-day charts', chartTimes('/api/v1/timeline?days=7&', charts));
    const width = await page.evaluate('document.querySelector(".chart").clientWidth') as number;
    await page.selectOption('#range', '30');
    const month = await pageUntil<ChartTime>(page, 'the 30-day charts', chartTimes('/api/v1/timeline?days=30&', charts));
    return { week, month, width };
  } finally {
    await context.close();
  }
}

async function bareCharts(browser: Browser, url: string, width: number, charts: number): Promise<ChartTime> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(`${url}?w=${width}`, { waitUntil: 'commit' });
    return await pageUntil<ChartTime>(page, 'uPlot alone', chartTimes('/timeline.json', charts));
  } finally {
    await context.close();
  }
}

// ---- The run.

export async function run(): Promise<BenchResult> {
  await buildDist();
  const dir = await mkdtemp(join(tmpdir(), 'scalerd-bench-console-'));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const bigSchedule = join(dir, 'big-schedule.json');
  await writeFile(bigSchedule, JSON.stringify(BIG_SCHEDULE));
  const chartsScenario = join(dir, 'charts-scenario.json');
  await writeFile(chartsScenario, JSON.stringify(CHART_SCENARIO));
  const chartsSchedule = join(dir, 'charts-schedule.json');
  await writeFile(chartsSchedule, JSON.stringify(chartSchedule(Date.now())));
  const validated = start(['dist/cli/main.js', 'validate', chartsSchedule]);
  if ((await validated.exited) !== 0) throw new Error(`the charts' schedule is not valid:\n${validated.lines.join('\n')}`);

  const running: { process: Started }[] = [];
  const servers: Server[] = [];
  let browser: Browser | undefined;
  try {
    await mkdir(join(dir, 'big'));
    await mkdir(join(dir, 'small'));
    // Figure 3's cluster first; its daemon serves figure 1's 6-node overview too.
    const small = await startSim(join(dir, 'small'), ['--scenario', chartsScenario]);
    running.push({ process: small.sim });
    // A dry run: the schedule's windows want other sizes than the cluster has most of the time;
    // the charts need the schedule, not a cluster that follows it.
    const chartsDaemon = await startDaemon(small, chartsSchedule, tokenFile, ['--dry-run']);
    running.push(chartsDaemon);
    browser = await launchBrowser();

    // Figure 3, with only its own small cluster running: the 1,000-node daemon's reconciles
    // (30,000 pods every resync) would take one of this machine's two CPUs at times.
    const charts = GROUPS.length + 1;
    const month = await (await fetch(`${chartsDaemon.url}api/v1/timeline?days=30`)).text();
    const points = (JSON.parse(month) as { points: unknown[] }).points.length;
    const bareChartPages = await bareServer({
      '/': { body: BARE_CHARTS_PAGE, type: 'text/html; charset=utf-8' },
      '/uplot.js': { body: await readFile(join(ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js')), type: 'text/javascript; charset=utf-8' },
      '/uplot.css': { body: await readFile(join(ROOT, 'node_modules/uplot/dist/uPlot.min.css')), type: 'text/css; charset=utf-8' },
      '/timeline.json': { body: month, type: 'application/json' },
    });
    servers.push(bareChartPages.server);
    const chartRuns: { week: ChartTime; month: ChartTime; bare: ChartTime }[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const c = await consoleCharts(browser, chartsDaemon.url, charts);
      const bare = await bareCharts(browser, bareChartPages.url, c.width, charts);
      if (i > 0) chartRuns.push({ ...c, bare });
    }

    // Figures 1 and 2: the 1,000-node cluster.
    const big = await startSim(join(dir, 'big'), ['--nodes', String(NODES), '--pods-per-node', String(PODS_PER_NODE)], 180_000);
    running.push({ process: big.sim });
    // CONSOLE_PROF=<dir>: a CPU profile of the 1,000-node daemon, to see what holds its feed back.
    const daemon = await startDaemon(big, bigSchedule, tokenFile, [], process.env.CONSOLE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.CONSOLE_PROF] : []);
    running.push(daemon);
    const bigDoc = await daemonStatus(daemon.port);
    const ready = bigDoc?.observed?.groups?.workers?.readyNodes as number | undefined;
    if (ready !== NODES) throw new Error(`the overview should show ${NODES} Ready nodes; /status has ${ready}`);

    // Figure 1. The static baseline serves the console's own stylesheet and icon beside the snapshot.
    const overviewUrl = `${daemon.url}#/overview`;
    const smallOverviewUrl = `${chartsDaemon.url}#/overview`;
    const snapshot = await overviewSnapshot(browser, overviewUrl);
    const web = join(ROOT, 'dist/console-web');
    const staticPages = await bareServer({
      '/': { body: snapshot, type: 'text/html; charset=utf-8' },
      '/assets/app.css': { body: await readFile(join(web, 'app.css')), type: 'text/css; charset=utf-8' },
      '/assets/icon.svg': { body: await readFile(join(web, 'icon.svg')), type: 'image/svg+xml' },
    });
    servers.push(staticPages.server);
    const paints: { console: Paint[]; bare: Paint[]; small: Paint[] } = { console: [], bare: [], small: [] };
    for (let i = 0; i <= RUNS; i++) {
      const bare = await firstPaint(browser, staticPages.url);
      const big1000 = await firstPaint(browser, overviewUrl);
      const six = await firstPaint(browser, smallOverviewUrl);
      if (big1000.readyText !== String(NODES)) throw new Error(`the overview showed ${big1000.readyText} Ready nodes, not ${NODES}`);
      if (i === 0) continue; // the first of each: not counted
      paints.bare.push(bare);
      paints.console.push(big1000);
      paints.small.push(six);
    }

    // Figure 2.
    const lag = await phaseLag(browser, big, daemon, bigSchedule);

    // ---- Figures.
    const med = (xs: readonly number[]) => (xs.length === 0 ? NaN : median(xs));
    const max = (xs: readonly number[]) => (xs.length === 0 ? NaN : Math.max(...xs));
    const paintMs = med(paints.console.map((p) => p.contentPaintMs));
    const fcpMs = med(paints.console.map((p) => p.fcpMs));
    const barePaintMs = med(paints.bare.map((p) => p.contentPaintMs));
    const bareFcpMs = med(paints.bare.map((p) => p.fcpMs));
    const smallPaintMs = med(paints.small.map((p) => p.contentPaintMs));

    // Each change the daemon made, to the page (the feed) first showing that phase or a later
    // one: a phase shorter than the feed's look (250 ms) is overtaken, never shown as such.
    const withStatus = lag.seen.filter((x) => x.statusAt !== undefined);
    const parts = (x: PhaseSeen) => x.key.split('|') as [string, string];
    const reached = (x: PhaseSeen, when: (y: PhaseSeen) => number | undefined): number | undefined => {
      const [node, phase] = parts(x);
      const times = lag.seen.filter((y) => parts(y)[0] === node && order(parts(y)[1]) >= order(phase)).map(when).filter((t): t is number => t !== undefined);
      return times.length === 0 ? undefined : Math.min(...times);
    };
    const lagsTo = (when: (y: PhaseSeen) => number | undefined) => withStatus.map((x) => reached(x, when)).flatMap((t, i) => (t === undefined ? [] : [t - withStatus[i]!.statusAt!]));
    const pageLags = lagsTo((y) => y.paintedAt);
    const domLags = lagsTo((y) => y.domAt);
    const feedLags = lagsTo((y) => y.sseAt);
    const pageOverFeed = withStatus.flatMap((x) => {
      const page = reached(x, (y) => y.paintedAt);
      const feed = reached(x, (y) => y.sseAt);
      return page === undefined || feed === undefined ? [] : [page - feed];
    });
    const neverShown = withStatus.length - pageLags.length;
    const overtaken = withStatus.filter((x) => x.paintedAt === undefined).map((x) => parts(x)[1]);
    const lagMs = med(pageLags);
    const lagMaxMs = max(pageLags);
    const feedLagMs = med(feedLags);
    const stallMaxMs = max(lag.stalls.map((x) => x.ms));

    const monthMs = med(chartRuns.map((c) => c.month.renderMs));
    const weekMs = med(chartRuns.map((c) => c.week.renderMs));
    const bareMonthMs = med(chartRuns.map((c) => c.bare.renderMs));

    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const m = (ms: number) => `${Math.round(ms)} ms`;
    const list = (xs: readonly number[]) => xs.map(m).join(', ');
    const paintOk = paintMs < PAINT_TARGET_MS;
    const lagOk = lagMaxMs < LAG_TARGET_MS && neverShown === 0;
    const chartOk = monthMs < CHART_TARGET_MS;
    return {
      name: 'console',
      description: `the console (built) in chromium: first paint of the overview of a ${NODES}-node, ${NODES * PODS_PER_NODE}-pod simulated cluster (navigation to the Ready count painted, Element Timing), baseline the same document static from a bare Node server; `
        + `node phase → page lag over ${ROUNDS.length} scale-downs of 3 nodes (/status polled every ${POLL_MS} ms → painted), baseline a Node client of /api/v1/events; `
        + `30-day charts of 3 groups × 5 workloads (timeline's last byte → last chart drawn), baseline uPlot alone on the same JSON; medians of ${RUNS}, fresh browser contexts`,
      figures: {
        firstPaintMs: paintMs, firstContentfulPaintMs: fcpMs, contentInDomMs: med(paints.console.map((p) => p.contentDomMs)),
        bareFirstPaintMs: barePaintMs, bareFirstContentfulPaintMs: bareFcpMs, smallClusterFirstPaintMs: smallPaintMs,
        ...Object.fromEntries(paints.console.map((p, i) => [`firstPaintMs${i + 1}`, p.contentPaintMs])),
        snapshotBytes: Buffer.byteLength(snapshot),
        phaseLagMs: lagMs, phaseLagMaxMs: lagMaxMs, phaseLagDomMs: med(domLags), feedLagMs, feedLagMaxMs: max(feedLags), pageOverFeedMs: med(pageOverFeed),
        phaseChanges: withStatus.length, phaseChangesShownAsSuch: withStatus.length - overtaken.length, phaseChangesNeverReached: neverShown, statusPollWindowMs: med(withStatus.map((x) => x.statusWindowMs!)), daemonStallMaxMs: stallMaxMs, daemonStallMedianMs: med(lag.stalls.map((x) => x.ms)),
        ...Object.fromEntries(lag.roundMs.map((ms, i) => [`scaleDownRoundMs${i + 1}`, ms])),
        chartRenderMs: monthMs, chartRenderMaxMs: max(chartRuns.map((c) => c.month.renderMs)), chartRender7DaysMs: weekMs, bareChartRenderMs: bareMonthMs,
        chartFromRequestMs: med(chartRuns.map((c) => c.month.fromRequestMs)),
        ...Object.fromEntries(chartRuns.map((c, i) => [`chartRenderMs${i + 1}`, c.month.renderMs])),
        chartPoints: points, chartTimelineBytes: chartRuns[0]?.month.bytes ?? NaN,
        paintTargetMs: PAINT_TARGET_MS, lagTargetMs: LAG_TARGET_MS, chartTargetMs: CHART_TARGET_MS,
      },
      speedup: barePaintMs / paintMs,
      summary: `first paint of the ${NODES}-node overview ${s(paintMs)} (median of ${RUNS}: ${paints.console.map((p) => s(p.contentPaintMs)).join(', ')}; target < 1 s, ${met(paintOk)}; first contentful paint ${s(fcpMs)}; `
        + `the same document static from a bare server ${s(barePaintMs)}, ×${(paintMs / barePaintMs).toFixed(1)}; the console on a 6-node cluster ${s(smallPaintMs)}); `
        + `node phase change → page (that phase or a later one painted) median ${m(lagMs)}, max ${m(lagMaxMs)} over ${withStatus.length} changes of ${ROUNDS.length * 3} nodes (target < 1 s, ${met(lagOk)}${neverShown ? `; ${neverShown} never reached the page` : ''}; `
        + `${withStatus.length - overtaken.length} shown as such, ${overtaken.length} overtaken within the feed's 250 ms look${overtaken.length ? ` (${[...new Set(overtaken)].join(', ')})` : ''}; a Node client of the feed ${m(feedLagMs)}, max ${m(max(feedLags))}; the page after the feed ${m(med(pageOverFeed))}; the daemon's event loop stalled up to ${m(stallMaxMs)}); `
        + `30-day charts (${points} changes, 3 groups, 5 workloads) ${m(monthMs)} from the timeline's arrival (median of ${RUNS}: ${list(chartRuns.map((c) => c.month.renderMs))}; target < 200 ms, ${met(chartOk)}; uPlot alone on the same JSON ${m(bareMonthMs)}, ×${(monthMs / bareMonthMs).toFixed(1)}; 7 days ${m(weekMs)}; from the request ${m(med(chartRuns.map((c) => c.month.fromRequestMs)))}, ${(chartRuns[0]!.month.bytes / 1e6).toFixed(1)} MB)`,
    };
  } finally {
    await browser?.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    for (const p of running.reverse()) await stop(p.process);
    await rm(dir, { recursive: true, force: true });
  }
}
