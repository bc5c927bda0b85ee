// A node group's labels and taints, read from the cloud-init user data its instances
// boot with (cloud-init/*.yaml): the kubeadm JoinConfiguration that user data writes
// says what the kubelet registers the Node with — node-labels among its kubeletExtraArgs,
// nodeRegistration.taints. The simulator's nodes join with exactly those, so a scenario
// cannot drift from what a real instance of the group would register.

import yaml from 'js-yaml';
import type { Taint } from './types.js';

export type Registration = { readonly labels: Record<string, string>; readonly taints: Taint[] };

export class UserDataError extends Error {}

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** The registration the user data's JoinConfiguration asks for; UserDataError says what is missing. */
export function registrationOf(text: string): Registration {
  if (!/^#cloud-config[ \t]*\r?(\n|$)/.test(text)) throw new UserDataError('its first line is not #cloud-config, so cloud-init would not read it as cloud-config');
  const config = load(text, 'the user data');
  const files = Array.isArray(config?.write_files) ? (config.write_files as unknown[]) : [];
  const joins = files.flatMap((file) => {
    const content = (file as { content?: unknown } | null)?.content;
    if (typeof content !== 'string' || !/^kind:\s*JoinConfiguration\s*$/m.test(content)) return [];
    return [{ path: String((file as { path?: unknown }).path), join: load(content, `${String((file as { path?: unknown }).path)}`) }];
  });
  if (joins.length !== 1) throw new UserDataError(`it writes ${joins.length} kubeadm JoinConfigurations (write_files); exactly one says how the node registers`);
  const { path, join } = joins[0]!;
  const registration = (join?.nodeRegistration ?? {}) as { kubeletExtraArgs?: unknown; taints?: unknown };
  return { labels: labelsOf(registration.kubeletExtraArgs, path), taints: taintsOf(registration.taints, path) };
}

/** kubeadm v1beta4 lists kubeletExtraArgs as {name, value}; v1beta3 as a map. */
function labelsOf(args: unknown, path: string): Record<string, string> {
  const pairs: [string, unknown][] = Array.isArray(args)
    ? args.map((arg) => [String((arg as { name?: unknown }).name), (arg as { value?: unknown }).value])
    : Object.entries((args ?? {}) as Record<string, unknown>);
  const value = pairs.find(([name]) => name === 'node-labels')?.[1];
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new UserDataError(`${path}: node-labels must be a string such as "a=b,c=d"`);
  return Object.fromEntries(
    value.split(',').filter((pair) => pair.trim() !== '').map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UserDataError(`${path}: node-labels entry "${pair}" is not key=value`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }),
  );
}

function taintsOf(taints: unknown, path: string): Taint[] {
  if (taints === undefined || taints === null) return [];
  if (!Array.isArray(taints)) throw new UserDataError(`${path}: nodeRegistration.taints must be a list`);
  return taints.map((t, i) => {
    const { key, value, effect } = (t ?? {}) as { key?: unknown; value?: unknown; effect?: unknown };
    if (typeof key !== 'string' || key === '') throw new UserDataError(`${path}: taint ${i + 1} has no key`);
    if (typeof effect !== 'string' || !EFFECTS.has(effect)) throw new UserDataError(`${path}: taint ${key} has effect ${String(effect)}; use NoSchedule, PreferNoSchedule or NoExecute`);
    return { key, ...(value !== undefined && value !== null ? { value: String(value) } : {}), effect: effect as Taint['effect'] };
  });
}

function load(text: string, what: string): Record<string, unknown> | undefined {
  try {
    const value = yaml.load(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new UserDataError(`${what} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
