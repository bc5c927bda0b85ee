// The pure parts of process pods: image names, the table's check, the container's
// environment and arguments, loopback IPs, the log buffer, probe timings.

import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/sim/sim-clock.js';
import { Store } from '../../../src/sim/kube/store.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { expand, launchOf } from '../../../src/sim/process/env.js';
import { LogBuffer } from '../../../src/sim/process/log-buffer.js';
import { LoopbackIpAllocator } from '../../../src/sim/process/loopback-ips.js';
import { DEFAULT_PROBE_TIMINGS, readinessProbe } from '../../../src/sim/process/probe.js';
import { DEFAULT_PROCESSES, TEST_APP_SERVER, checkProcessTable, imageName, processFor } from '../../../src/sim/process/table.js';

describe('the process table', () => {
  it('finds an image by its name without tag or digest, with or without its registry', () => {
    expect(imageName('scalerd/test-app:2')).toEqual({ name: 'scalerd/test-app', short: 'scalerd/test-app' });
    expect(imageName('registry.example.com:5000/scalerd/test-app:2@sha256:abc')).toEqual({ name: 'registry.example.com:5000/scalerd/test-app', short: 'scalerd/test-app' });
    expect(imageName('localhost/nginx')).toEqual({ name: 'localhost/nginx', short: 'nginx' });
    expect(imageName('docker.io/library/nginx:1.27')).toEqual({ name: 'docker.io/library/nginx', short: 'nginx' });
    expect(processFor(DEFAULT_PROCESSES, 'scalerd/test-app:7')).toEqual({ command: process.execPath, args: [TEST_APP_SERVER] });
    expect(processFor(DEFAULT_PROCESSES, 'ghcr.io/scalerd/test-app:7')).toBeDefined();
    expect(processFor(DEFAULT_PROCESSES, 'scalerd/test-app-2:7')).toBeUndefined();
    expect(processFor(DEFAULT_PROCESSES, 'nginx:1.27')).toBeUndefined();
    expect(processFor({ 'registry.local/x': { command: 'a' }, x: { command: 'b' } }, 'registry.local/x:1')?.command).toBe('a');
    expect(processFor({ constructor: { command: 'a' } }, undefined)).toBeUndefined();
    expect(processFor({}, 'constructor')).toBeUndefined();
  });

  it('is checked when the simulator starts, with the entry at fault named', () => {
    expect(checkProcessTable(DEFAULT_PROCESSES)).toBe(DEFAULT_PROCESSES);
    expect(() => checkProcessTable([])).toThrow('processes must be an object');
    expect(() => checkProcessTable({ 'app:1': { command: 'x' } })).toThrow('processes["app:1"]: the key is an image name without tag or digest');
    expect(() => checkProcessTable({ app: { command: '' } })).toThrow('processes["app"].command must be a non-empty string');
    expect(() => checkProcessTable({ app: { command: 'x', args: [1] } })).toThrow('processes["app"].args must be an array of strings');
    expect(() => checkProcessTable({ app: { command: 'x', env: { A: 1 } } })).toThrow('processes["app"].env must map names to strings');
  });
});

describe('a container\'s environment and arguments', () => {
  const store = new Store({ clock: new SimClock({ manual: true, start: 0 }) });
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } } as unknown as KubeObject);
  store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { MODE: 'blue', LEVEL: 'debug' } } as unknown as KubeObject);
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'apps', uid: 'u-1', labels: { app: 'web' } },
    spec: { nodeName: 'node-a' },
    status: { podIP: '127.20.0.5', hostIP: '10.0.0.1' },
  } as unknown as KubeObject;

  it('HOST and PORT from the pod, the image\'s env under the container\'s, fieldRefs, ConfigMaps, $(VAR) references', () => {
    const container = {
      name: 'app',
      ports: [{ name: 'http', containerPort: 9000 }, { containerPort: 9001 }],
      envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CM_' }, { configMapRef: { name: 'missing' } }],
      env: [
        { name: 'APP_VERSION', value: '3' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
        { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        { name: 'GREETING', value: '$(APP)-$(APP_VERSION) $$(APP) $(NOPE)' },
        { name: 'IMAGE_ENV', value: 'from the container' },
      ],
      args: ['--version=$(APP_VERSION)', '--pod-name=$(POD_NAME)'],
    };
    const launch = launchOf(store, pod, container, { args: ['server.mjs'], env: { IMAGE_ENV: 'from the image', ONLY_IMAGE: 'x' } });
    expect(launch.args).toEqual(['server.mjs', '--version=3', '--pod-name=web-1']);
    expect(launch.env).toEqual({
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: 'web-1',
      HOST: '127.20.0.5',
      PORT: '9000',
      ONLY_IMAGE: 'x',
      IMAGE_ENV: 'from the container',
      CM_MODE: 'blue',
      CM_LEVEL: 'debug',
      APP_VERSION: '3',
      POD_NAME: 'web-1',
      POD_NAMESPACE: 'apps',
      POD_IP: '127.20.0.5',
      APP: 'web',
      MODE: 'blue',
      GREETING: 'web-3 $(APP) $(NOPE)',
    });
  });

  it('no PORT without a containerPort', () => {
    expect(launchOf(store, pod, { name: 'app' }, {}).env).not.toHaveProperty('PORT');
  });

  it('expands as Kubernetes does', () => {
    const vars = new Map([['A', '1'], ['B.c', '2']]);
    expect(expand('$(A)$(B.c)', vars)).toBe('12');
    expect(expand('$$(A) $$ $(C) $A', vars)).toBe('$(A) $ $(C) $A');
  });
});

describe('loopback pod IPs', () => {
  it('are distinct, on 127/8 outside 127.0/16, never .0 or .255, and wrap within the block', () => {
    const ips = new LoopbackIpAllocator(0);
    const first = Array.from({ length: 600 }, () => ips.allocate());
    expect(new Set(first).size).toBe(600);
    expect(first[0]).toBe('127.16.0.1');
    expect(first.every((ip) => /^127\.\d+\.\d+\.\d+$/.test(ip) && !/\.(0|255)$/.test(ip))).toBe(true);
    const last = new LoopbackIpAllocator((239 << 16) - 3); // the block's last two addresses, then .0 skipped
    expect([last.allocate(), last.allocate(), last.allocate()]).toEqual(['127.254.255.253', '127.254.255.254', '127.16.0.1']);
  });
});

describe('the log buffer', () => {
  it('keeps the last bytes, from the first whole line once it dropped some', () => {
    const logs = new LogBuffer(20);
    logs.append(Buffer.from('one\ntwo\n'));
    expect(logs.text()).toBe('one\ntwo\n');
    logs.append(Buffer.from('three\nfour\nfive\n'));
    expect(logs.text()).toBe('two\nthree\nfour\nfive\n'); // 'one\n' dropped: 20 bytes kept
    logs.append(Buffer.from('six\n'));
    expect(logs.text()).toBe('three\nfour\nfive\nsix\n');
    logs.append(Buffer.from('seventeen'));
    expect(logs.text()).toBe('five\nsix\nseventeen'); // cut inside 'four': from the next whole line
  });
});

describe('readiness probe timings', () => {
  const container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };

  it('clamps Kubernetes\' seconds to quick real-time ones and keeps the thresholds', () => {
    const probe = readinessProbe({ ...container, readinessProbe: { httpGet: { path: 'health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, initialDelaySeconds: 30, successThreshold: 2, failureThreshold: 4 } }, '127.20.0.9', DEFAULT_PROBE_TIMINGS);
    expect(probe).toEqual({
      target: { kind: 'http', scheme: 'http', host: '127.20.0.9', port: 8080, path: '/health', headers: {} },
      once: false, periodMs: 250, timeoutMs: 1000, initialDelayMs: 250, successThreshold: 2, failureThreshold: 4,
    });
    expect(readinessProbe({ ...container, readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 0.05 } }, '127.20.0.9', DEFAULT_PROBE_TIMINGS)).toMatchObject({
      target: { kind: 'tcp', host: '127.20.0.9', port: 8080 }, periodMs: 100, failureThreshold: 3,
    });
  });

  it('without a probe (or with an exec probe): a TCP check of the first port until it passes once; none without a port', () => {
    expect(readinessProbe({ ...container, readinessProbe: { exec: { command: ['true'] } } }, '127.20.0.9', DEFAULT_PROBE_TIMINGS)).toMatchObject({ target: { kind: 'tcp', port: 8080 }, once: true });
    expect(readinessProbe({ name: 'app' }, '127.20.0.9', DEFAULT_PROBE_TIMINGS).target).toBeUndefined();
  });
});
