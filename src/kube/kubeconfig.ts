// Kubeconfig files read and merged as kubectl merges a KUBECONFIG list: the first file to
// name a current-context sets it, and the first to define a cluster, user or context name
// keeps it. Entries stay raw here (their YAML maps); target.ts reads and checks the ones
// the chosen context uses, so a broken entry nobody uses does not stop scalerd, as it does
// not stop kubectl. Each entry remembers its file: relative paths in it (certificate
// files, token files) are relative to that file's folder, as kubectl resolves them.

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import yaml from 'js-yaml';

export type RawEntry = {
  readonly name: string;
  /** The entry's `cluster:`, `user:` or `context:` map ({} when absent). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The file it came from, for messages and for relative paths. */
  readonly file: string;
};

export type MergedKubeconfig = {
  readonly clusters: readonly RawEntry[];
  readonly users: readonly RawEntry[];
  readonly contexts: readonly RawEntry[];
  readonly currentContext: string;
};

export const EMPTY_KUBECONFIG: MergedKubeconfig = { clusters: [], users: [], contexts: [], currentContext: '' };

/** One file's entries; throws what fs throws, or an Error naming the malformed part. */
export function readKubeconfigFile(file: string): MergedKubeconfig {
  const parsed = parseYaml(readFileSync(file, 'utf8'));
  if (parsed === undefined || parsed === null) return EMPTY_KUBECONFIG;
  if (!isMap(parsed)) throw new Error('it is not a YAML map');
  const current = parsed['current-context'];
  return {
    clusters: entries(parsed, 'clusters', 'cluster', file),
    users: entries(parsed, 'users', 'user', file),
    contexts: entries(parsed, 'contexts', 'context', file),
    currentContext: typeof current === 'string' ? current : '',
  };
}

/** `later` merged under `earlier`: names and the current context already set are kept. */
export function mergeKubeconfigs(earlier: MergedKubeconfig, later: MergedKubeconfig): MergedKubeconfig {
  const add = (into: readonly RawEntry[], items: readonly RawEntry[]) => [...into, ...items.filter((item) => !into.some((known) => known.name === item.name))];
  return {
    clusters: add(earlier.clusters, later.clusters),
    users: add(earlier.users, later.users),
    contexts: add(earlier.contexts, later.contexts),
    currentContext: earlier.currentContext || later.currentContext,
  };
}

/** js-yaml's message quotes the lines around a mistake, which may hold a token: say where only. */
function parseYaml(text: string): unknown {
  try {
    return yaml.load(text);
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const { mark } = error as yaml.YAMLException & { mark?: { line: number; column: number } };
    throw new Error(`${error.reason}${mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : ''}`);
  }
}

/** The folder relative paths of an entry are resolved against. */
export const baseDir = (entry: RawEntry): string => dirname(entry.file);

function entries(config: Record<string, unknown>, list: string, field: string, file: string): RawEntry[] {
  const items = config[list];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new Error(`${list} is not a list`);
  return items.map((item: unknown, i) => {
    if (!isMap(item) || typeof item.name !== 'string' || item.name === '') throw new Error(`${list}[${i}].name is missing`);
    const fields = item[field] ?? {};
    if (!isMap(fields)) throw new Error(`${list}[${i}].${field} is not a map`);
    return { name: item.name, fields, file };
  });
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
