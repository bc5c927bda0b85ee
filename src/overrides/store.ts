// The overrides' home: the ConfigMap `scalerd-overrides` in scalerd's namespace (default
// `scalerd`), labelled app.kubernetes.io/name=scalerd. Durable, visible with kubectl,
// guarded by RBAC on that one object.
//
// Every write is read-modify-write against the resourceVersion read; on a conflict
// (someone else wrote in between: another `override set`, the daemon's cleanup, a kubectl
// edit) it reads again and redoes the change on what is there now, so concurrent writers
// all land. A round whose answer was lost after its write landed is recognised by the next
// (the conflict it meets is its own write): an entry it added is found in place, entries it
// removed are found gone, and the write is done, not done twice nor "not found". Each write
// also drops the entries that have expired, so the ConfigMap does not grow. Entries it cannot parse are left as they are: someone may be halfway through
// fixing one by hand, and only `override clear <key>` removes it.

import { ScalerdError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { ConfigMaps, StoredConfigMap } from '../ports/config-maps.js';
import { formatEntry, parseEntries, parseEntry } from './codec.js';
import { type Override, type OverrideDraft, type OverrideSet, phaseAt } from './types.js';

export const OVERRIDES_CONFIG_MAP = 'scalerd-overrides';
export const DEFAULT_OVERRIDES_NAMESPACE = 'scalerd';
export const OVERRIDES_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'scalerd' };

/** Read-modify-write rounds before giving up on a ConfigMap that keeps changing under us. */
export const WRITE_ATTEMPTS = 8;

export type OverrideStoreOptions = {
  readonly configMaps: ConfigMaps;
  /** Default `scalerd`. */
  readonly namespace?: string;
  /** Expiry is judged on it at each write. */
  readonly clock: Clock;
  /** The pause between conflicting writes (jittered, 10–160 ms). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Draws ids and jitter (default Math.random). */
  readonly random?: () => number;
};

export type Cleared = {
  /** The entries removed because they were asked for (expired or not). */
  readonly cleared: readonly string[];
  /** Other entries removed because they had expired. */
  readonly dropped: readonly Override[];
};

export interface OverrideStore {
  readonly namespace: string;
  readonly name: string;
  /** Every entry: the usable overrides (expired ones included, until a write drops them) and the unreadable ones. */
  read(): Promise<OverrideSet>;
  /** Stores a new override under a fresh id. */
  add(draft: OverrideDraft): Promise<{ readonly override: Override; readonly dropped: readonly Override[] }>;
  /**
   * Removes the entries with these ids (readable or not), or every override with 'all'
   * (unreadable entries too: "all" means an empty ConfigMap). An id that is not there
   * fails with SCALERD_ERR_OVERRIDE_NOT_FOUND and nothing is written.
   */
  clear(ids: readonly string[] | 'all'): Promise<Cleared>;
  /** Removes the expired entries only (the daemon's cleanup); writes nothing when there are none. */
  removeExpired(): Promise<readonly Override[]>;
  /** The overrides now, then after every change, until `signal` aborts (see ConfigMaps.watch). */
  watch(onChange: (set: OverrideSet) => void, options: { readonly signal: AbortSignal; readonly onError?: (error: Error) => void }): Promise<void>;
}

/** What one round of a write decides, given the data as read: the new data, or nothing to write. */
type Edit<T> = (data: Record<string, string>, now: number) => { readonly data?: Record<string, string>; readonly result: T };

export function createOverrideStore(options: OverrideStoreOptions): OverrideStore {
  const { configMaps, clock, sleep } = options;
  const namespace = options.namespace ?? DEFAULT_OVERRIDES_NAMESPACE;
  const name = OVERRIDES_CONFIG_MAP;
  const random = options.random ?? Math.random;

  async function write<T>(edit: Edit<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const current = await configMaps.get(namespace, name);
      const { data, result } = edit({ ...current?.data }, clock.now());
      if (data === undefined) return result;
      const outcome = current
        ? await configMaps.update(namespace, name, { ...current, data, labels: { ...current.labels, ...OVERRIDES_LABELS } })
        : await configMaps.create(namespace, name, { data, labels: OVERRIDES_LABELS, annotations: {} });
      if (outcome !== 'conflict') return result;
      if (attempt >= WRITE_ATTEMPTS) {
        throw new ScalerdError('SCALERD_ERR_OVERRIDE_CONFLICT', `configmap ${namespace}/${name} changed under each of ${WRITE_ATTEMPTS} attempts to write it; nothing was written, try again`);
      }
      await sleep(Math.round(10 * 2 ** Math.min(attempt - 1, 4) * (0.5 + random() / 2)));
    }
  }

  /** The data without its expired entries, and those entries. */
  function withoutExpired(data: Record<string, string>, now: number): { data: Record<string, string>; dropped: Override[] } {
    const dropped = parseEntries(data).overrides.filter((o) => phaseAt(o, now) === 'expired');
    const kept = { ...data };
    for (const o of dropped) delete kept[o.id];
    return { data: kept, dropped };
  }

  const freshId = (taken: Record<string, string>): string => {
    for (;;) {
      const id = Array.from({ length: 6 }, () => ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)]).join('');
      if (!(id in taken)) return id;
    }
  };

  return {
    namespace,
    name,
    async read() {
      return parseEntries((await configMaps.get(namespace, name))?.data);
    },
    async add(draft) {
      let chosenId: string | undefined;
      let dropped: Override[] = [];
      return write((data, now) => {
        // The id stays the same across rounds: if a round's answer was lost after the
        // write landed, the next round finds our own entry and writes nothing more.
        if (chosenId !== undefined && data[chosenId] !== undefined) {
          const ours = parseEntry(chosenId, data[chosenId]!);
          if (!('code' in ours) && formatEntry(ours) === formatEntry({ ...draft, id: chosenId })) {
            return { result: { override: ours, dropped: stillGone(dropped, data) } };
          }
        }
        if (chosenId === undefined || data[chosenId] !== undefined) chosenId = freshId(data);
        const override: Override = { ...draft, id: chosenId };
        const expired = withoutExpired(data, now);
        dropped = union(stillGone(dropped, data), expired.dropped);
        return { data: { ...expired.data, [override.id]: formatEntry(override) }, result: { override, dropped } };
      });
    },
    async clear(ids) {
      // Entries seen in an earlier round and gone now went with that round's write, whose
      // answer was lost after it landed (or someone else cleared them): cleared either way,
      // never "not found".
      const seen = new Set<string>();
      let dropped: Override[] = [];
      return write<Cleared>((data, now) => {
        const cleared = ids === 'all' ? [...new Set([...seen, ...Object.keys(data)])].sort() : [...new Set(ids)];
        const missing = cleared.filter((id) => data[id] === undefined && !seen.has(id));
        if (missing.length > 0) {
          const known = Object.keys(data).sort();
          throw new ScalerdError('SCALERD_ERR_OVERRIDE_NOT_FOUND', `no override ${missing.join(', ')} in configmap ${namespace}/${name} (${known.length > 0 ? `it holds ${known.join(', ')}` : 'it holds none'}); nothing was cleared`);
        }
        for (const id of cleared) if (data[id] !== undefined) seen.add(id);
        const rest = { ...data };
        for (const id of cleared) delete rest[id];
        const expired = withoutExpired(rest, now);
        dropped = union(stillGone(dropped, data), expired.dropped);
        if (cleared.every((id) => data[id] === undefined) && expired.dropped.length === 0) return { result: { cleared, dropped } };
        return { data: expired.data, result: { cleared, dropped } };
      });
    },
    async removeExpired() {
      let dropped: Override[] = [];
      return write((data, now) => {
        const expired = withoutExpired(data, now);
        dropped = union(stillGone(dropped, data), expired.dropped);
        return expired.dropped.length > 0 ? { data: expired.data, result: dropped } : { result: dropped };
      });
    },
    watch(onChange, watchOptions) {
      return configMaps.watch(namespace, name, (configMap: StoredConfigMap | undefined) => onChange(parseEntries(configMap?.data)), watchOptions);
    },
  };
}

/**
 * What an earlier round of a write dropped and `data` no longer holds: that round may have
 * landed with its answer lost, so the round that finishes the write still reports it.
 */
const stillGone = (earlier: readonly Override[], data: Readonly<Record<string, string>>): Override[] => earlier.filter((o) => data[o.id] === undefined);

const union = (a: readonly Override[], b: readonly Override[]): Override[] => [...a, ...b.filter((o) => !a.some((x) => x.id === o.id))];

/** Lower-case letters and digits without the look-alikes (0/o, 1/l): ids get typed by hand. */
const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
