// The daemon's metrics and README's list of them, kept in step: every metric README names
// is registered with the labels it says, and no other is (the process metrics aside); the
// kinds and classes it lists are the code's. And the error counters' series are there,
// at 0, before anything failed.

import { readFileSync } from 'node:fs';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AWS_OPERATIONS } from '../../src/aws/index.js';
import { apiCallObserver, createMetrics, ERROR_KINDS } from '../../src/daemon/metrics.js';
import { CLUSTER_OPERATIONS } from '../../src/kube/index.js';
import { API_ERROR_CLASSES } from '../../src/ports/api-errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** README's list under "`/metrics` exports exactly these", item by item (continuation lines joined). */
function listedItems(): string[] {
  const start = readme.indexOf('`/metrics` exports exactly these');
  expect(start, 'README names what /metrics exports').toBeGreaterThan(0);
  const list = readme.slice(start).split('\n\n')[1]!;
  return list.split(/\n(?=- )/).map((item) => item.replace(/\s*\n\s*/g, ' '));
}

const ticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('README and the metrics registry', () => {
  it('README lists exactly the registered metrics, with their labels', () => {
    const documented = listedItems()
      .flatMap(ticked)
      .map((token) => /^(scalerd_[a-z_]+)(?:\{([a-z_,]+)\})?$/.exec(token))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}{${m[2] ?? ''}}`);
    const processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'scalerd_' });
    const processNames = new Set(processMetrics.getMetricsAsArray().map((m) => m.name));
    const registered = createMetrics().registry.getMetricsAsArray()
      .filter((m) => !processNames.has(m.name))
      .map((m) => `${m.name}{${((m as unknown as { labelNames?: string[] }).labelNames ?? []).join(',')}}`);
    expect(documented.sort()).toEqual(registered.sort());
    expect(registered).toContain('scalerd_api_errors_total{api,operation,class}');
  });

  it('README lists the kinds of scalerd_errors_total and the classes of scalerd_api_errors_total the code has', () => {
    const items = listedItems();
    const errors = items.find((i) => i.includes('`scalerd_errors_total{kind}`'))!;
    expect(ticked(errors).filter((t) => !t.startsWith('scalerd_'))).toEqual([...ERROR_KINDS]);
    const api = items.find((i) => i.includes('`scalerd_api_errors_total{api,operation,class}`'))!;
    const classes = api.slice(api.indexOf('`class` is one of'), api.indexOf('A Kubernetes answer'));
    expect(ticked(classes).filter((t) => /^[a-z-]+$/.test(t) && t !== 'class')).toEqual([...API_ERROR_CLASSES]);
  });
});

describe('the API counters', () => {
  it('have every series at 0 before anything failed, and count what the adapters report, attempts and failures', async () => {
    const metrics = createMetrics();
    const onApiCall = apiCallObserver(metrics, { kube: CLUSTER_OPERATIONS, aws: AWS_OPERATIONS });
    const text = await metrics.registry.metrics();
    for (const kind of ERROR_KINDS) expect(text).toContain(`scalerd_errors_total{kind="${kind}"} 0\n`);
    const zeros = text.split('\n').filter((l) => l.startsWith('scalerd_api_errors_total{'));
    expect(zeros).toHaveLength((CLUSTER_OPERATIONS.length + AWS_OPERATIONS.length) * API_ERROR_CLASSES.length);
    expect(zeros.every((l) => l.endsWith('} 0'))).toBe(true);
    expect(zeros).toContain('scalerd_api_errors_total{api="kube",operation="patch nodes",class="server"} 0');

    expect(text).toContain('scalerd_api_requests_total{api="kube",operation="patch nodes"} 0\n');

    onApiCall('kube', 'patch nodes', 'server');
    onApiCall('kube', 'patch nodes', 'server');
    onApiCall('kube', 'patch nodes', 'ok');
    onApiCall('aws', 'TerminateInstanceInAutoScalingGroup', 'throttled');
    metrics.countError('lease');
    const after = await metrics.registry.metrics();
    // Every attempt is a request, answered or not: the error ratio's denominator.
    expect(after).toContain('scalerd_api_requests_total{api="kube",operation="patch nodes"} 3\n');
    expect(after).toContain('scalerd_api_requests_total{api="aws",operation="TerminateInstanceInAutoScalingGroup"} 1\n');
    expect(after).toContain('scalerd_api_errors_total{api="kube",operation="patch nodes",class="server"} 2\n');
    expect(after).toContain('scalerd_api_errors_total{api="aws",operation="TerminateInstanceInAutoScalingGroup",class="throttled"} 1\n');
    expect(after).toContain('scalerd_errors_total{kind="lease"} 1\n');
  });
});
