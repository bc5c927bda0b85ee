import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector } from '../../../src/sim/kube/selectors.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';

const pod = (labels: Record<string, string>, nodeName?: string, phase = 'Running'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1', creationTimestamp: '', labels }, spec: { nodeName }, status: { phase } });

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app=web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app in (web, db),tier notin (cache)', { app: 'db', tier: 'front' }, true],
    ['app in (web,db)', { tier: 'x' }, false],
    ['canary', { canary: '' }, true],
    ['!canary', { canary: '' }, false],
    ['!canary', {}, true],
    ['', {}, true],
  ])('%j on %j → %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(pod(labels))).toBe(expected);
  });

  it('rejects what it cannot parse with a 400', () => {
    expect(() => parseLabelSelector('app=web=x')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  it('spec.nodeName and status.phase, = and !=', () => {
    const match = parseFieldSelector('pods', 'spec.nodeName=n1,status.phase!=Succeeded');
    expect(match(pod({}, 'n1'))).toBe(true);
    expect(match(pod({}, 'n2'))).toBe(false);
    expect(match(pod({}, 'n1', 'Succeeded'))).toBe(false);
  });

  it('unsupported fields are a 400 naming the field', () => {
    expect(() => parseFieldSelector('pods', 'spec.hostname=x')).toThrow('field label not supported: spec.hostname');
  });
});
