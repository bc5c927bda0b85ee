// The Helm chart charts/scalerd, with real helm (test/deploy/helm.ts): it lints, its values
// schema refuses typos, every object it renders fits the Kubernetes API types, and it renders
// the same objects as kustomize — deploy/ for its defaults, deploy/ with every component for
// every optional part on — after the few normalisations listed below. RBAC and IAM:
// rbac.test.ts and iam.test.ts hold the chart to the same expectations as deploy/; applying it
// to the simulated cluster: chart-apply.test.ts.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_COPIES, GENERATED } from '../../scripts/sync-deploy.mjs';
import { ALL_PARTS, CHART, helm, renderChart, renderNotes, valuesFile } from './helm.js';
import { modelOf, validate } from './openapi.js';
import { ROOT, only, render, renderWith, type KubeObject } from './render.js';

type Labelled = KubeObject & { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } };
type PodTemplate = { metadata: { annotations?: Record<string, string> }; spec: { volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[]; containers: { image: string; imagePullPolicy?: string; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[] } & Record<string, unknown> };
type Deployment = KubeObject & { spec: { replicas: number; template: PodTemplate } };

/** Custom resources: client-node has no type for them, so validate() cannot check them. */
const CUSTOM_RESOURCES = new Set(['monitoring.coreos.com/v1 ServiceMonitor', 'monitoring.coreos.com/v1 PrometheusRule']);
/** deploy/components/ by name, and the monitoring components beside it (deploy/grafana, deploy/prometheus). */
const COMPONENTS = ['deployer', 'lb', 'lb-tls', 'servicemonitor', '../grafana', '../prometheus'];

/** Every optional part on and every other value away from its default: where templates indent and merge values. */
const EVERY_VALUE = {
  namespace: { create: true }, replicas: 3, awsRegion: 'us-east-1', image: { repository: 'registry.example.com/scalerd', tag: '0.2.0-rc.1', pullPolicy: 'Always' },
  env: [{ name: 'SCALERD_RESYNC', value: '5m' }, { name: 'SCALERD_DRY_RUN', value: 'true' }],
  serviceAccount: { roleArn: '', annotations: { 'example.com/owner': 'platform' } },
  console: { tokenSecret: 'scalerd-console', anonymousRead: true },
  extraVolumes: [{ name: 'deployer-token', secret: { secretName: 'scalerd-deployer' } }],
  extraVolumeMounts: [{ name: 'deployer-token', mountPath: '/var/run/secrets/scalerd-deployer', readOnly: true }],
  priorityClassName: '', nodeSelector: { 'node-role.example.com/system': 'true' },
  tolerations: [{ key: 'system', operator: 'Exists', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }] } } },
  etcd: { endpoints: 'https://etcd-0.etcd:2379,https://etcd-1.etcd:2379' },
  deployer: {
    enabled: true, tokenSecret: 'deployer-api', lbUrl: 'http://haproxy.example:80', namespaces: ['default', 'shop'], podSecurity: 'restricted',
    env: [{ name: 'SCALERD_DEPLOYER_ETCD_CA', value: '/etc/etcd-ca/ca.crt' }], extraVolumes: [{ name: 'etcd-ca', secret: { secretName: 'etcd-ca' } }],
    extraVolumeMounts: [{ name: 'etcd-ca', mountPath: '/etc/etcd-ca', readOnly: true }], priorityClassName: 'high', nodeSelector: { a: 'b' },
    tolerations: [{ key: 'c', operator: 'Exists' }], affinity: { podAntiAffinity: {} },
  },
  lb: {
    enabled: true, image: { repository: 'registry.example.com/scalerd-lb', tag: '0.2.0', pullPolicy: 'IfNotPresent' }, fsGroup: 1000,
    service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
    sync: { env: [{ name: 'SCALERD_LB_ETCD_CA', value: '/etc/etcd-ca/ca.crt' }], extraVolumeMounts: [{ name: 'etcd-ca', mountPath: '/etc/etcd-ca' }] },
    extraVolumes: [{ name: 'etcd-ca', secret: { secretName: 'etcd-ca' } }], priorityClassName: 'high', nodeSelector: { a: 'b' },
    tolerations: [{ key: 'c', operator: 'Exists' }], affinity: { podAntiAffinity: {} }, tls: { enabled: true, secretName: 'shop-tls' },
  },
  serviceMonitor: { enabled: true, interval: '1m', lbInterval: '5s', labels: { release: 'prometheus' } },
  prometheusRule: { enabled: true, labels: { release: 'prometheus' } },
  grafanaDashboard: { enabled: true, label: { name: 'grafana.example.com/dashboard', value: 'true' }, labels: { dashboards: 'yes' }, annotations: { grafana_folder: 'Kubernetes' } },
};

let defaults: KubeObject[];
let allParts: KubeObject[];
let everyValue: KubeObject[];
beforeAll(async () => {
  [defaults, allParts, everyValue] = await Promise.all([renderChart(), renderChart({ ...ALL_PARTS, namespace: { create: true } }), renderChart(EVERY_VALUE)]);
});

const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''} ${o.metadata.name}`;
const sorted = (objects: readonly KubeObject[]) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The differences between the two renderings that are not differences in what reaches the
 * cluster, each removed on one side only after checking it is what it should be:
 */
const HELM_LABELS = [
  // 1. helm's own labels on every object's metadata (kustomize has none of its own).
  'helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/instance', 'app.kubernetes.io/version',
];
function normaliseChart(objects: readonly KubeObject[]): KubeObject[] {
  const copies = structuredClone(objects) as Labelled[];
  for (const object of copies) {
    for (const label of HELM_LABELS) expect(object.metadata.labels, key(object)).toHaveProperty([label]);
    for (const label of HELM_LABELS) delete object.metadata.labels![label];
    if (Object.keys(object.metadata.labels!).length === 0) delete object.metadata.labels;
  }
  // 2. The schedule's ConfigMap keeps its name (scalerd-schedule); the daemon's pod template
  //    carries the checksum of its content instead, so a new schedule still rolls the pods.
  const schedule = (only(copies, 'ConfigMap', 'scalerd-schedule') as KubeObject & { data: Record<string, string> }).data['schedule.json']!;
  const template = (only(copies, 'Deployment', 'scalerd') as Deployment).spec.template;
  expect(template.metadata.annotations).toEqual({ 'checksum/schedule': sha256(schedule) });
  delete template.metadata.annotations;
  return sorted(copies);
}
function normaliseKustomize(objects: readonly KubeObject[], options: { namespace: boolean }): KubeObject[] {
  const copies = structuredClone(objects);
  // 2. kustomize's ConfigMap name carries a hash of its content (scalerd-schedule-<hash>):
  //    the chart's name without it, here and where the pods mount it.
  const configMap = copies.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('scalerd-schedule'))!;
  const hashed = configMap.metadata.name;
  expect(hashed).toMatch(/^scalerd-schedule-[a-z0-9]{10}$/);
  configMap.metadata.name = 'scalerd-schedule';
  for (const volume of (only(copies, 'Deployment', 'scalerd') as Deployment).spec.template.spec.volumes ?? []) {
    if (volume.configMap?.name === hashed) volume.configMap.name = 'scalerd-schedule';
  }
  // 3. The Namespace is the chart's only with namespace.create (helm install --create-namespace
  //    makes it otherwise, and helm's release lives in it).
  return sorted(options.namespace ? copies : copies.filter((o) => o.kind !== 'Namespace'));
}

describe('charts/scalerd: helm lint and the values schema', () => {
  const lint = async (...args: string[]) => helm(['lint', '--strict', CHART, ...args]);

  it('lints with --strict with its defaults and with every optional part on', async () => {
    for (const values of [{}, { ...ALL_PARTS, namespace: { create: true } }]) {
      const out = await lint('--values', await valuesFile(values));
      expect(out, JSON.stringify(values)).toMatchObject({ code: 0 });
      expect(out.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('refuses a misspelt value, at the top and inside a part (it can fail)', async () => {
    for (const [values, complaint] of [
      [{ deployr: { enabled: true } }, /\(root\): Additional property deployr is not allowed/],
      [{ lb: { enabled: true, tsl: { enabled: true } } }, /lb: Additional property tsl is not allowed/],
      [{ deployer: { podSecurity: 'privileged' } }, /deployer\.podSecurity: deployer\.podSecurity must be one of the following/],
    ] as const) {
      const out = await lint('--values', await valuesFile(values));
      expect(out.code, JSON.stringify(values)).not.toBe(0);
      expect(out.stdout, JSON.stringify(values)).toMatch(complaint);
      const template = await helm(['template', 'scalerd', CHART, '--values', await valuesFile(values)]);
      expect(template.code).not.toBe(0);
      expect(template.stderr).toMatch(complaint);
    }
  });

  it('Chart.yaml: version and appVersion are package.json\'s version and kustomize\'s image tag', async () => {
    const chart = yaml.load(await readFile(join(ROOT, CHART, 'Chart.yaml'), 'utf8')) as { apiVersion: string; version: string; appVersion: string };
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', version, appVersion: version });
    for (const dir of ['deploy', ...['deployer', 'lb'].map((c) => `deploy/components/${c}`)]) {
      const kustomization = yaml.load(await readFile(join(ROOT, dir, 'kustomization.yaml'), 'utf8')) as { images: { newTag: string }[] };
      expect(kustomization.images.map((i) => i.newTag), dir).toEqual([version]);
    }
  });
});

describe('charts/scalerd: helm template', () => {
  it('renders objects that fit the Kubernetes API types (custom resources named and checked apart)', async () => {
    for (const object of [...defaults, ...allParts, ...everyValue]) {
      if (CUSTOM_RESOURCES.has(`${object.apiVersion} ${object.kind}`)) continue;
      expect(validate(object, modelOf(object.apiVersion, object.kind)), key(object)).toEqual([]);
    }
    // The custom resources, which the validator does not know: each monitor's Service and port exist.
    for (const name of ['scalerd', 'scalerd-deployer', 'scalerd-lb']) {
      const monitor = only(allParts, 'ServiceMonitor', name) as KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } };
      expect(validate(monitor, modelOf(monitor.apiVersion, monitor.kind))).toEqual([': no Kubernetes type V1ServiceMonitor in client-node']);
      const service = only(allParts, 'Service', name) as Labelled & { spec: { ports: { name: string }[] } };
      for (const [label, value] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata.labels?.[label]).toBe(value);
      expect(service.spec.ports.map((p) => p.name)).toContain(monitor.spec.endpoints[0]!.port);
    }
    expect(allParts.filter((o) => CUSTOM_RESOURCES.has(`${o.apiVersion} ${o.kind}`)).map(key).sort()).toEqual(['PrometheusRule scalerd scalerd', 'ServiceMonitor scalerd scalerd', 'ServiceMonitor scalerd scalerd-deployer', 'ServiceMonitor scalerd scalerd-lb']);
    // The PrometheusRule carries the rules file's groups as they are (Prometheus's {{ $labels }} untouched by helm).
    const rule = only(allParts, 'PrometheusRule', 'scalerd') as KubeObject & { spec: unknown };
    expect(rule.spec).toEqual(yaml.load(await readFile(join(ROOT, 'deploy/prometheus/rules.yaml'), 'utf8'), { schema: yaml.CORE_SCHEMA }));
    expect(JSON.stringify(rule.spec)).toContain('{{ $labels.group }}');
    // The dashboard's ConfigMap holds the dashboard, byte for byte, under the sidecar's label.
    const board = only(allParts, 'ConfigMap', 'scalerd-dashboard') as Labelled & { data: Record<string, string> };
    expect(board.data).toEqual({ 'scalerd.json': await readFile(join(ROOT, 'deploy/grafana/scalerd.json'), 'utf8') });
    expect(board.metadata.labels?.grafana_dashboard).toBe('1');
    // Without the deployer and lb, only the daemon's.
    expect((await renderChart({ serviceMonitor: { enabled: true } })).filter((o) => o.kind === 'ServiceMonitor').map(key)).toEqual(['ServiceMonitor scalerd scalerd']);
  });

  it('puts every value where it belongs', () => {
    const pod = (name: string) => (only(everyValue, 'Deployment', name) as Deployment).spec;
    expect(pod('scalerd').replicas).toBe(3);
    expect(pod('scalerd').template.spec).toMatchObject({ nodeSelector: EVERY_VALUE.nodeSelector, tolerations: EVERY_VALUE.tolerations, affinity: EVERY_VALUE.affinity });
    expect(pod('scalerd').template.spec.priorityClassName).toBeUndefined();
    expect(pod('scalerd').template.spec.containers[0]).toMatchObject({ image: 'registry.example.com/scalerd:0.2.0-rc.1', imagePullPolicy: 'Always' });
    const env = (name: string, container = 0) => Object.fromEntries((pod(name).template.spec.containers[container]!.env ?? []).map((e) => [e.name, e.value]));
    expect(env('scalerd')).toMatchObject({ AWS_REGION: 'us-east-1', SCALERD_RESYNC: '5m', SCALERD_DRY_RUN: 'true' });
    expect(env('scalerd-deployer')).toMatchObject({ SCALERD_DEPLOYER_ETCD: EVERY_VALUE.etcd.endpoints, SCALERD_DEPLOYER_LB_URL: 'http://haproxy.example:80', SCALERD_DEPLOYER_NAMESPACES: 'default,shop', SCALERD_DEPLOYER_POD_SECURITY: 'restricted', SCALERD_DEPLOYER_ETCD_CA: '/etc/etcd-ca/ca.crt' });
    expect(env('scalerd-lb', 1)).toMatchObject({ SCALERD_LB_ETCD: EVERY_VALUE.etcd.endpoints, SCALERD_LB_ETCD_CA: '/etc/etcd-ca/ca.crt' });
    expect(pod('scalerd-deployer').template.spec).toMatchObject({ priorityClassName: 'high', nodeSelector: { a: 'b' }, volumes: [{ name: 'secret', secret: { secretName: 'deployer-api' } }, { name: 'etcd-ca' }] });
    expect(pod('scalerd-lb').template.spec).toMatchObject({ priorityClassName: 'high', securityContext: { fsGroup: 1000, runAsUser: 65532 }, volumes: [{ secret: { secretName: 'shop-tls' } }, { name: 'config' }, { name: 'run' }, { name: 'etcd-ca' }] });
    expect(pod('scalerd-lb').template.spec.containers.map((c) => c.image)).toEqual(['registry.example.com/scalerd-lb:0.2.0', 'registry.example.com/scalerd-lb:0.2.0']);
    expect(only(everyValue, 'Service', 'scalerd-lb')).toMatchObject({ metadata: { annotations: EVERY_VALUE.lb.service.annotations }, spec: { type: 'LoadBalancer' } });
    expect((only(everyValue, 'ServiceAccount', 'scalerd') as Labelled).metadata.annotations).toEqual({ 'example.com/owner': 'platform' });
    expect(only(everyValue, 'ServiceMonitor', 'scalerd')).toMatchObject({ metadata: { labels: { release: 'prometheus' } }, spec: { endpoints: [{ interval: '1m' }] } });
    expect(only(everyValue, 'ServiceMonitor', 'scalerd-lb')).toMatchObject({ metadata: { labels: { release: 'prometheus' } }, spec: { endpoints: [{ interval: '5s' }] } });
    expect(only(everyValue, 'PrometheusRule', 'scalerd')).toMatchObject({ metadata: { labels: { release: 'prometheus' } } });
    expect(only(everyValue, 'ConfigMap', 'scalerd-dashboard')).toMatchObject({ metadata: { labels: { dashboards: 'yes' }, annotations: { grafana_folder: 'Kubernetes' } } });
    expect((only(everyValue, 'ConfigMap', 'scalerd-dashboard') as Labelled).metadata.labels?.grafana_dashboard).toBeUndefined();
    expect((only(everyValue, 'ConfigMap', 'scalerd-dashboard') as Labelled).metadata.labels?.['grafana.example.com/dashboard']).toBe('true');
    expect(everyValue.filter((o) => o.kind === 'Role' && o.metadata.name === 'scalerd-deployer').map((o) => o.metadata.namespace).sort()).toEqual(['default', 'shop']);
  });

  it('with its defaults: the objects of kubectl kustomize deploy/', async () => {
    expect(normaliseChart(defaults)).toStrictEqual(normaliseKustomize(await render(), { namespace: false }));
  });

  it('with every optional part on (and namespace.create): deploy/ with every component', async () => {
    expect(normaliseChart(allParts)).toStrictEqual(normaliseKustomize(await renderWith(COMPONENTS), { namespace: true }));
  });

  it('takes the schedule from a file (--set-file), and a new schedule changes the pods\' checksum', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'scalerd-schedule-')), 'my.json');
    const text = (await readFile(join(ROOT, 'schedules/example.json'), 'utf8')).replace('"version": 1,', '"version": 1,\n  "description": "mine",');
    await writeFile(file, text);
    const objects = await renderChart({}, ['--set-file', `schedule=${file}`]);
    expect((only(objects, 'ConfigMap') as KubeObject & { data: Record<string, string> }).data).toEqual({ 'schedule.json': text });
    const checksum = (o: KubeObject[]) => (only(o, 'Deployment', 'scalerd') as Deployment).spec.template.metadata.annotations?.['checksum/schedule'];
    expect(checksum(objects)).toBe(sha256(text));
    expect(checksum(objects)).not.toBe(checksum(defaults));
  });

  it('console.tokenSecret: the daemon reads the console\'s token where the Secret is mounted', async () => {
    const pod = (only(await renderChart({ console: { tokenSecret: 'scalerd-console', anonymousRead: true } }), 'Deployment', 'scalerd') as Deployment).spec.template.spec;
    const env = Object.fromEntries((pod.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    const volume = pod.volumes!.find((v) => v.secret?.secretName === 'scalerd-console')!;
    const mount = pod.containers[0]!.volumeMounts!.find((m) => m.name === volume.name)!;
    expect(env.SCALERD_TOKEN_FILE).toBe(`${mount.mountPath}/token`);
    expect(env.SCALERD_CONSOLE_ANONYMOUS_READ).toBe('true');
    expect(defaults.some((o) => JSON.stringify(o).includes('SCALERD_TOKEN_FILE'))).toBe(false);
  });
});

describe('charts/scalerd: NOTES.txt', () => {
  it('says how to reach /status and the console, what the console needs, and the deployer\'s API when it is on', async () => {
    const [plain, all] = await Promise.all([renderNotes(), renderNotes({ ...ALL_PARTS, console: { tokenSecret: 'scalerd-console', anonymousRead: false } })]);
    for (const notes of [plain, all]) {
      expect(notes).toContain('kubectl -n scalerd port-forward svc/scalerd 8080');
      expect(notes).toContain('http://127.0.0.1:8080/status');
      expect(notes).toContain('http://127.0.0.1:8080/ (the console)');
      expect(notes).toContain('files/iam-policy.json');
    }
    // The IAM policy, as a command with the policy the chart carries (iam.test.ts checks it).
    const policy = /aws iam put-role-policy --role-name scalerd --policy-name scalerd --policy-document '(.+)'/.exec(plain)?.[1];
    expect(JSON.parse(policy!)).toEqual(JSON.parse(await readFile(join(ROOT, 'deploy/iam-policy.json'), 'utf8')));
    expect(plain).toContain('docs/console.md');
    expect(plain).toContain('--set console.tokenSecret=scalerd-console');
    expect(plain).not.toContain('scalerd-deployer');
    expect(plain).not.toContain('Monitoring:');
    expect(all).toContain('The alerts as the PrometheusRule scalerd; each has a runbook in docs/alerts.md.');
    expect(all).toContain('the ConfigMap scalerd-dashboard (grafana_dashboard=1)');
    expect(all).toContain("kubectl -n scalerd get secret scalerd-console -o jsonpath='{.data.token}' | base64 -d");
    expect(all).toContain('kubectl -n scalerd port-forward svc/scalerd-deployer 8081');
    expect(all).toContain('--api http://127.0.0.1:8081');
  });
});

describe('files made from others: the chart\'s copies, the PrometheusRule of deploy/prometheus', () => {
  it('are the same as their sources (else: node scripts/sync-deploy.mjs)', async () => {
    expect(CHART_COPIES.length).toBeGreaterThan(0);
    for (const [source, copy] of CHART_COPIES) {
      const same = (await readFile(join(ROOT, source), 'utf8')) === (await readFile(join(ROOT, copy), 'utf8').catch(() => undefined));
      expect(same, `${copy} differs from ${source}: run node scripts/sync-deploy.mjs`).toBe(true);
    }
    for (const [source, target, make] of GENERATED) {
      const same = make(await readFile(join(ROOT, source), 'utf8')) === (await readFile(join(ROOT, target), 'utf8').catch(() => undefined));
      expect(same, `${target} is not made from ${source}: run node scripts/sync-deploy.mjs`).toBe(true);
    }
  });
});
