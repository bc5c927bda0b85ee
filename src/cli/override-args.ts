// `override set`'s arguments as commander collects them; src/overrides/draft.ts checks them
// against the schedule (for the console too).

import { InvalidArgumentError } from 'commander';
import type { Assignment } from '../overrides/draft.js';

export type { Assignment } from '../overrides/draft.js';

/** Commander's collector for a repeatable NAME=N option. */
export function assignment(text: string, previous: readonly Assignment[] = []): Assignment[] {
  const m = /^([^=\s]+)=(\d+)$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[2]))) throw new InvalidArgumentError(`"${text}" is not NAME=N with N a whole number of 0 or more, such as workers=12`);
  return [...previous, { key: m[1]!, value: Number(m[2]), text }];
}

/** Who sets the override: $USER (or %USERNAME%) and the kubeconfig's user, whichever are known. */
export function whoSets(env: Readonly<Record<string, string | undefined>>, kubeUser: string | undefined): string {
  const user = env.USER || env.USERNAME || undefined;
  if (user && kubeUser) return `${user} (kube user ${kubeUser})`;
  return user ?? (kubeUser ? `kube user ${kubeUser}` : 'unknown');
}

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Commander's parser for --namespace: a Kubernetes namespace name. */
export function namespaceArg(value: string): string {
  if (!NAMESPACE_RE.test(value)) throw new InvalidArgumentError(`"${value}" is not a namespace name (lower-case letters, digits and '-', at most 63)`);
  return value;
}
