// The SecretReader port over the API: GET one Secret, decode one key. A 404 is an answer
// (undefined), anything else failing goes through the adapter's caller (retries, failures
// classified). The value stays in memory only: operations and targets name the Secret, not
// what it holds.

import type { SecretReader } from '../ports/secrets.js';
import type { KubeDeps } from './cluster.js';
import { resourcePath } from './transport.js';
import type { ObjectMeta } from './wire.js';

type Secret = { readonly metadata?: ObjectMeta; readonly data?: Readonly<Record<string, string>> };

const GONE = Symbol('gone');

export function createSecretReader(deps: Pick<KubeDeps, 'api' | 'call'>): SecretReader {
  return {
    readSecretKey: async (namespace, name, key) => {
      const secret = await deps.call<Secret | typeof GONE>(
        { operation: 'get secrets', target: `${namespace}/${name}` },
        () => deps.api.request<Secret>('GET', resourcePath('v1', 'secrets', { namespace, name })),
        (failure) => (failure.status === 404 ? GONE : undefined),
      );
      const encoded = secret === GONE ? undefined : secret.data?.[key];
      return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
    },
  };
}
