// scalerd under a real Prometheus (Debian's), as a cluster's monitoring would see it: the
// daemon (`scalerd run` against the demo's simulated cluster), the deployer and lb-sync's
// haproxy exporter, scraped every second with the alert rules loaded, while the daemon
// scales the cluster down (the night) and up again (an override), and the deployer deploys a
// good version and then one that fails its health check. Then every query of the Grafana
// dashboard and every alert's expression, run over the whole story through Prometheus's HTTP
// API, returns series and names no metric or label that Prometheus does not have; the
// staged fault (the failed deployment) fires ScalerdDeploymentFailed, seen at
// /api/v1/alerts; `promtool check metrics` finds nothing wrong with the daemon's and the
// deployer's /metrics.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { timerSleep } from '../../src/actuate/index.js';
import { runCli } from '../../src/cli/program.js';
import { systemClock } from '../../src/clock.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import { createDeployerApi, type ListeningApi } from '../../src/deployer/api/index.js';
import { createDeployerMetrics } from '../../src/deployer/metrics.js';
import { DeployerService } from '../../src/deployer/service/service.js';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim, until } from '../daemon/helpers.js';
import { FAILS_HEALTH_FAST, helloDescriptor, startDeployerBed, type DeployerBed } from '../deployer/bed.js';
import { tempDir, waitFor } from '../deployer/infra.js';
import { freePort } from '../helpers.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { alertRules, dashboardQueries, metricsIn, RULES_FILE } from './files.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 12 → 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');
const SPEED = 50;
const TOKEN = 'prometheus-test-token-0123456789';

let sim: Sim;
let bed: DeployerBed;
let deployer: DeployerService;
let api: ListeningApi;
let prometheus: ChildProcess;
let promUrl: string;
let daemonUrl: string;
let stopDaemon: AbortController;
let daemon: Promise<number>;
let startedAt: number;
const stops: (() => Promise<unknown>)[] = [];

const io = (signal?: AbortSignal) => ({
  out: () => undefined, err: () => undefined, clock: sim.clock, processClock: systemClock, processSleep: timerSleep,
  sleep: (ms: number, sig?: AbortSignal) => sim.clock.sleep(ms, sig), timers: clockTimers(sim.clock), ...(signal ? { signal } : {}),
});

type Status = { observed?: { groups?: Record<string, { desiredCapacity: number; readyNodes: number }> }; desired?: { capacity: Record<string, { value: number }> }; last?: { outcome: string } | null };
const status = async (): Promise<Status> => (await (await fetch(`${daemonUrl}/status`)).json()) as Status;

type PromAnswer<T> = { status: string; data: T; error?: string };
async function prom<T>(path: string, params: Record<string, string | string[]> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
  const response = await fetch(`${promUrl}${path}?${query}`);
  const answer = await response.json() as PromAnswer<T>;
  if (answer.status !== 'success') throw new Error(`${path} ${query}: ${answer.error ?? response.status}`);
  return answer.data;
}

/** A dashboard's variables as Grafana fills them with "All", and its $__rate_interval at a 1 s scrape. */
const filled = (expr: string) => expr.replaceAll('$namespace', '.*').replaceAll('$group', '.*').replaceAll('$__rate_interval', '1m');

/**
 * An alert's expression with every comparison made a `bool` one, so it returns its series
 * whether or not they pass the threshold (a filter would return nothing while all is well).
 * Label matchers ({…}) and strings are left as they are.
 */
function withBoolComparisons(expr: string): string {
  let out = '';
  for (let i = 0; i < expr.length;) {
    if (expr[i] === '{' || expr[i] === '"') {
      const end = expr.indexOf(expr[i] === '{' ? '}' : '"', i + 1);
      out += expr.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const op = /^(==|!=|>=|<=|>|<)/.exec(expr.slice(i))?.[1];
    if (op) {
      out += `${op} bool`;
      i += op.length;
      continue;
    }
    out += expr[i];
    i += 1;
  }
  return out;
}

/** The label names an expression uses: in matchers, and in by/without/on/ignoring clauses. */
function labelsIn(expr: string): string[] {
  const matchers = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1]!));
  const clauses = [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()).filter(Boolean));
  return [...new Set([...matchers, ...clauses])];
}

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDPROMTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('USER', 'oncall');
  startedAt = Date.now();
  sim = await startDemoSim({ speed: SPEED, startAt: NIGHT, awsCredentials: [{ accessKeyId: 'AKIDPROMTEST', secretAccessKey: 'test' }] });
  stops.push(() => sim.stop());
  // Every eviction refused (as a budget refuses one) until Prometheus has seen the marked
  // nodes: a drain at this speed can begin and end between two scrapes of a busy machine.
  sim.faults.addRequestFault({ api: 'kube', operation: 'create pods/eviction', error: 429 });

  const daemonPort = await freePort();
  daemonUrl = `http://127.0.0.1:${daemonPort}`;
  stopDaemon = new AbortController();
  daemon = runCli(['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(sim), '--aws-region', sim.region, '--aws-endpoint', sim.awsEndpoint,
    '--listen', `127.0.0.1:${daemonPort}`, '--log-level', 'error', '--log-format', 'json'], io(stopDaemon.signal));

  // The deployer: lb-sync with haproxy's exporter on, and the deployer's API with its /metrics.
  const lbMetricsPort = await freePort();
  bed = await startDeployerBed({ sync: { metrics: { host: '127.0.0.1', port: lbMetricsPort } } });
  stops.push(() => bed.stop());
  const metrics = createDeployerMetrics();
  deployer = new DeployerService({ store: bed.store({ lockTtlSeconds: 15 }), engine: bed.engine, log: pino({ level: 'silent' }), metrics });
  stops.push(() => deployer.stop());
  api = await createDeployerApi({ deployer, token: TOKEN, log: pino({ level: 'silent' }), metrics: metrics.registry }).listen('127.0.0.1', 0);
  stops.push(() => api.close());

  // Prometheus: every second, the rules loaded; namespace as the Prometheus Operator would label the targets.
  const dir = await tempDir('prometheus');
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  const target = (job: string, address: string) => ({ job_name: job, static_configs: [{ targets: [address], labels: { namespace: 'scalerd' } }] });
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [RULES_FILE],
    scrape_configs: [target('scalerd', `127.0.0.1:${daemonPort}`), target('scalerd-deployer', `127.0.0.1:${api.port}`), target('scalerd-lb', `127.0.0.1:${lbMetricsPort}`)],
  }));
  prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let promLog = '';
  prometheus.stderr!.setEncoding('utf8').on('data', (c: string) => { promLog = (promLog + c).slice(-4000); });
  stops.push(async () => {
    if (prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
  });
  await until('Prometheus ready', async () => {
    if (prometheus.exitCode !== null) throw new Error(`prometheus exited ${prometheus.exitCode}: ${promLog}`);
    return fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false);
  }, 30_000);
  await until('every target scraped and up', async () => {
    const { activeTargets } = await prom<{ activeTargets: { health: string; labels: { job: string } }[] }>('/api/v1/targets');
    return activeTargets.length === 3 && activeTargets.every((t) => t.health === 'up');
  }, 30_000);
}, 120_000);

afterAll(async () => {
  stopDaemon?.abort();
  await daemon;
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  vi.unstubAllEnvs();
});

describe('scalerd under a real Prometheus', () => {
  it('promtool check metrics: the daemon\'s and the deployer\'s /metrics follow Prometheus\'s conventions', async () => {
    for (const url of [`${daemonUrl}/metrics`, `${api.url}/metrics`]) {
      const text = await (await fetch(url)).text();
      const check = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      check.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
      check.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
      check.stdin!.end(text);
      const code = await new Promise<number | null>((resolve) => check.once('close', resolve));
      expect(output, url).toBe('');
      expect(code, url).toBe(0);
    }
  });

  it('the night\'s scale-down, an override\'s scale-up, a good and a failed deployment: the failure fires ScalerdDeploymentFailed', async () => {
    await until('Prometheus to have scraped nodes on their way out, their evictions refused', async () => {
      const { result } = await prom<{ result: unknown[] }>('/api/v1/query', { query: 'scalerd_scale_down_node_start_timestamp_seconds and on (instance) (scalerd_evictions_total{result="blocked"} > 0)' });
      return result.length > 0;
    }, 60_000);
    sim.faults.clear();
    await until('the night\'s 6 workers, their reconcile done', async () => {
      const s = await status();
      return s.observed?.groups?.workers?.desiredCapacity === 6 && s.observed.groups.workers.readyNodes === 6 && s.last?.outcome === 'done';
    }, 90_000);
    const set = await runCli(['override', 'set', '--group', 'workers=9', '--for', '2h', '--reason', 'prometheus test', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(sim)], io());
    expect(set).toBe(0);
    await until('the override\'s 9 workers Ready', async () => {
      const s = await status();
      return s.observed?.groups?.workers?.readyNodes === 9 && s.last?.outcome === 'done';
    }, 90_000);
    await until('the scale-up complete, timed', async () => /^scalerd_scale_operation_duration_seconds_count\{direction="up",result="done"\} 1$/m.test(await (await fetch(`${daemonUrl}/metrics`)).text()), 60_000);

    const good = await deployer.deploy(helloDescriptor('auto'));
    await deployer.idle();
    expect(await deployer.get('default', 'hello', good.id)).toMatchObject({ status: 'SUCCESS' });
    const bad = await deployer.deploy(helloDescriptor('auto', { UNHEALTHY: '1' }, FAILS_HEALTH_FAST));
    await deployer.idle();
    expect(await deployer.get('default', 'hello', bad.id)).toMatchObject({ status: 'FAILURE', switched: false });

    const firing = await waitFor('ScalerdDeploymentFailed firing', async () => {
      const { alerts } = await prom<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts');
      return alerts.find((a) => a.labels.alertname === 'ScalerdDeploymentFailed' && a.state === 'firing');
    }, 30_000);
    expect(firing.labels).toMatchObject({ outcome: 'failed', severity: 'warning', job: 'scalerd-deployer', namespace: 'scalerd' });
    // Prometheus evaluated every rule without an error.
    const { groups } = await prom<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>('/api/v1/rules');
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual(alertRules().map((r) => r.alert).sort());
    for (const rule of rules) expect(rule, rule.name).toMatchObject({ health: 'ok' });
  }, 240_000);

  it('every dashboard query and every alert expression returns series over the story, naming only metrics and labels Prometheus has', async () => {
    // Every target scraped again after the story: Prometheus has all it did.
    const storyEnd = Date.now();
    await until('every target scraped after the story', async () => {
      const { activeTargets } = await prom<{ activeTargets: { lastScrape: string }[] }>('/api/v1/targets');
      return activeTargets.length === 3 && activeTargets.every((t) => Date.parse(t.lastScrape) > storyEnd);
    }, 60_000);
    const range = { start: String(startedAt / 1000), end: String(Date.now() / 1000), step: '1' };
    const names = new Set(await prom<string[]>('/api/v1/label/__name__/values'));
    const queries = [
      ...dashboardQueries().map(({ where, expr }) => ({ where, expr: filled(expr) })),
      ...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: withBoolComparisons(r.expr) })),
    ];
    const problems: string[] = [];
    for (const { where, expr } of queries) {
      const metrics = metricsIn(expr);
      const missing = metrics.filter((m) => !names.has(m));
      if (missing.length > 0) problems.push(`${where}: no metric ${missing.join(', ')}`);
      const known = new Set(['__name__', ...(await prom<string[]>('/api/v1/labels', { 'match[]': metrics.map((m) => `{__name__="${m}"}`) }))]);
      const unknownLabels = labelsIn(expr).filter((l) => !known.has(l));
      if (unknownLabels.length > 0) problems.push(`${where}: no label ${unknownLabels.join(', ')} on ${metrics.join(', ')}`);
      const result = await prom<{ result: unknown[] }>('/api/v1/query_range', { query: expr, ...range });
      if (result.result.length === 0) problems.push(`${where}: no series from ${expr}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
    expect(queries.length).toBeGreaterThan(30);
  }, 120_000);

  it('the checker can fail: a misspelt metric and a misspelt label are caught', async () => {
    const names = new Set(await prom<string[]>('/api/v1/label/__name__/values'));
    expect(metricsIn('sum(rate(scalerd_evictions_totl[1m]))').filter((m) => !names.has(m))).toEqual(['scalerd_evictions_totl']);
    const known = new Set(await prom<string[]>('/api/v1/labels', { 'match[]': ['{__name__="scalerd_evictions_total"}'] }));
    expect(labelsIn('sum by (reslt) (scalerd_evictions_total)').filter((l) => !known.has(l))).toEqual(['reslt']);
    expect(withBoolComparisons('a{x="1",y!="2"} > 0.1 and on (i) (b == 1)')).toBe('a{x="1",y!="2"} > bool 0.1 and on (i) (b == bool 1)');
  });
});

