// The ConfigMaps port: one named ConfigMap read, written under optimistic concurrency, and
// watched. Small on purpose: scalerd keeps its overrides in one ConfigMap and needs no more.
//
// Semantics every adapter keeps:
// - `get` answers undefined when the ConfigMap does not exist (not an error).
// - `create` and `update` answer 'conflict' instead of writing when the world is not as
//   the caller read it: the ConfigMap exists already (create), or its resourceVersion is no
//   longer the one given, or it was deleted (update). The caller reads again and retries.
// - `update` replaces data, labels and annotations as given: pass back what `get` returned
//   with your change, so other people's labels and annotations survive.
// - Anything else that fails is a RemoteError (SCALERD_ERR_KUBE_CALL) after the adapter's retries.

/** What is written: data plus the metadata that travels with it. */
export type ConfigMapContent = {
  readonly data: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
};

/** A ConfigMap as read: its content and the version to write against. */
export type StoredConfigMap = ConfigMapContent & { readonly resourceVersion: string };

export interface ConfigMaps {
  get(namespace: string, name: string): Promise<StoredConfigMap | undefined>;
  create(namespace: string, name: string, content: ConfigMapContent): Promise<StoredConfigMap | 'conflict'>;
  update(namespace: string, name: string, content: ConfigMapContent & { readonly resourceVersion: string }): Promise<StoredConfigMap | 'conflict'>;
  /**
   * Calls `onChange` with the ConfigMap as it is when the watch starts, then after every
   * change (undefined while it does not exist), until `signal` aborts; then resolves. Never
   * rejects: a broken watch is re-established (a 410 Gone by listing again) and reported to
   * `onError`, so a daemon keeps seeing changes through API-server restarts. Calls may
   * repeat a state already seen (after a reconnect): treat them as "this is the state now".
   */
  watch(
    namespace: string,
    name: string,
    onChange: (configMap: StoredConfigMap | undefined) => void,
    options: { readonly signal: AbortSignal; readonly onError?: (error: Error) => void },
  ): Promise<void>;
}
