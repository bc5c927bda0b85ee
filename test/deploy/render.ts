// deploy/ rendered by `kubectl kustomize`, as `kubectl apply -k deploy/` would send it.

import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [field: string]: unknown };

/** Every object `kubectl kustomize <dir>` renders, parsed (YAML 1.2 core: no implicit timestamps). */
export async function render(dir = 'deploy'): Promise<KubeObject[]> {
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], { cwd: ROOT, maxBuffer: 16 << 20 });
  return yaml.loadAll(stdout, undefined, { schema: yaml.CORE_SCHEMA }) as KubeObject[];
}

export function only(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, rendered ${found.length}`);
  return found[0]!;
}

/** deploy/ with some of deploy/components/ (by folder name), as a user's overlay adds them. */
export async function renderWith(components: readonly string[]): Promise<KubeObject[]> {
  const overlay = await mkdtemp(join(tmpdir(), 'scalerd-overlay-'));
  const path = (p: string) => relative(overlay, join(ROOT, p));
  await writeFile(join(overlay, 'kustomization.yaml'), [
    'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization',
    `resources: [${path('deploy')}]`, `components: [${components.map((c) => path(`deploy/components/${c}`)).join(', ')}]`, '',
  ].join('\n'));
  return render(overlay);
}
