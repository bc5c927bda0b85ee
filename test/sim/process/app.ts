// The test app as a Deployment in a small simulated cluster: what the process pod tests
// deploy. No vitest here, so a host process of its own (fixtures/host.ts) can use it too.

import { type Sim, type SimOptions, startSim } from '../../../src/sim/index.js';
import { applyDefaults } from '../../../src/sim/kube/defaults.js';
import type { KubeObject } from '../../../src/sim/kube/store.js';
import { checkedScenario } from '../clients/helpers.js';

export const NS = 'apps';

type Loose = Record<string, any>;

export function processScenario() {
  return checkedScenario({
    name: 'process-pods',
    region: 'eu-west-1',
    nodeGroups: [{
      name: 'workers', asg: 'process-workers', zones: ['eu-west-1a', 'eu-west-1b'], min: 0, max: 4, desired: 2,
      allocatable: { cpu: '4', memory: '16Gi', pods: 50 },
    }],
    namespaces: [NS],
  });
}

/** A simulator on the real clock with the default process table (the test app). */
export function startProcessSim(options: SimOptions = {}): Promise<Sim> {
  return startSim({ scenario: processScenario(), ...options });
}

export type AppOptions = {
  replicas?: number;
  version?: string;
  args?: string[];
  env?: Record<string, string>;
  /** The readinessProbe; default httpGet /health on the port named http; null for none. */
  probe?: Loose | null;
  grace?: number;
  image?: string;
};

export function testAppDeployment(name: string, o: AppOptions = {}): KubeObject {
  const labels = { app: name };
  const probe = o.probe === undefined ? { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1 } : o.probe;
  return applyDefaults('deployments.apps', {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}),
          containers: [{
            name: 'app',
            image: o.image ?? 'scalerd/test-app:1',
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [
              { name: 'APP_VERSION', value: o.version ?? '1' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ...Object.entries(o.env ?? {}).map(([n, value]) => ({ name: n, value })),
            ],
            ...(o.args ? { args: o.args } : {}),
            ...(probe ? { readinessProbe: probe } : {}),
          }],
        },
      },
    },
  } as unknown as KubeObject);
}

export const deploy = (sim: Sim, name: string, o: AppOptions = {}): KubeObject => sim.store.create('deployments.apps', testAppDeployment(name, o));
