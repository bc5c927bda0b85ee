// How the deployer and lb-sync reach etcd: its URLs, TLS (the CA that signed etcd's
// certificate, a client certificate for etcd's --client-cert-auth) and password auth.
// One client construction for both, with deadlines on every unary call, a watch and a
// channel that come back within seconds of etcd (etcd3's own defaults: no deadline, 30 s
// back-off; grpc-js's reconnection back-off grows to 120 s).

import { Etcd3, type IOptions } from 'etcd3';
import type { Clock } from '../../clock.js';
import { UsageError } from '../../errors.js';

export type EtcdConnection = {
  /** Client URLs, all http:// or all https://. */
  readonly hosts: readonly string[];
  /** PEM: the CA that signed etcd's server certificate. Without it, https:// uses the system's roots. */
  readonly ca?: Buffer;
  /** PEM: a client certificate and its key, for etcd's --client-cert-auth. */
  readonly client?: { readonly cert: Buffer; readonly key: Buffer };
  /** etcd's password auth (`etcdctl auth enable`): a user with the permissions on the prefixes. */
  readonly auth?: { readonly username: string; readonly password: string };
};

export type EtcdTuning = {
  readonly clock: Clock;
  /** Each unary call's deadline (default 5 s). */
  readonly callTimeoutMs?: number;
  /** Connecting to a host gives up after this (default 3 s). */
  readonly dialTimeoutMs?: number;
  /** The longest wait between two watch reconnection attempts (default 2 s; etcd3's own is 30 s). */
  readonly maxWatchBackoffMs?: number;
};

const usage = (message: string): UsageError => new UsageError('SCALERD_ERR_CLI_USAGE', message);

/** `http://a:2379,http://b:2379` → the URLs; each must be http(s) with a host, all of one scheme. */
export function parseEtcdHosts(value: string): string[] {
  const hosts = value.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) throw usage('--etcd needs at least one URL, such as http://127.0.0.1:2379');
  for (const host of hosts) {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw usage(`--etcd: "${host}" is not a URL (such as http://127.0.0.1:2379)`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') throw usage(`--etcd: "${host}" must be an http:// or https:// URL with a host`);
  }
  // The client speaks TLS to all of them or to none.
  if (new Set(hosts.map((h) => new URL(h).protocol)).size > 1) throw usage(`--etcd: ${hosts.join(',')} mixes http:// and https:// URLs; use one scheme for every member`);
  return hosts;
}

/** What a log line may say of a connection: where, and how it authenticates; never a secret. */
export function describeEtcd(connection: EtcdConnection): string {
  const how = [
    connection.hosts[0]?.startsWith('https:') ? `TLS (${connection.ca ? 'given CA' : 'system CAs'}${connection.client ? ', client certificate' : ''})` : 'plain HTTP',
    ...(connection.auth ? [`user ${connection.auth.username}`] : []),
  ];
  return `${connection.hosts.join(',')}, ${how.join(', ')}`;
}

type Backoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

/** Doubling from 100 ms to `maxMs`: a watch comes back within `maxMs` of etcd. */
function doublingBackoff(durationMs: number, maxMs: number): Backoff {
  return { duration: durationMs, next: () => doublingBackoff(Math.min(durationMs * 2, maxMs), maxMs) };
}

export function etcdClientOptions(connection: EtcdConnection, tuning: EtcdTuning): IOptions {
  const callTimeoutMs = tuning.callTimeoutMs ?? 5000;
  const tls = connection.hosts[0]?.startsWith('https:') === true;
  return {
    hosts: [...connection.hosts],
    dialTimeout: tuning.dialTimeoutMs ?? 3000,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: tuning.clock.now() + callTimeoutMs }),
    faultHandling: { watchBackoff: doublingBackoff(100, tuning.maxWatchBackoffMs ?? 2000) },
    // grpc-js waits up to 120 s between reconnection attempts (1 s, × 1.6 each): after a
    // minute of etcd away, the client could stay away for another half minute. Deployments
    // and lb-sync retry on their own schedule; the channel need only try again within a second.
    grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1000 },
    // Without credentials etcd3 uses the system's roots for https:// hosts.
    ...(tls && (connection.ca || connection.client) ? {
      credentials: {
        // grpc takes null for "the system's roots" (etcd3's type says Buffer).
        rootCertificate: connection.ca ?? (null as unknown as Buffer),
        ...(connection.client ? { privateKey: connection.client.key, certChain: connection.client.cert } : {}),
      },
    } : {}),
    ...(connection.auth ? { auth: { username: connection.auth.username, password: connection.auth.password } } : {}),
  };
}

export function connectEtcd(connection: EtcdConnection, tuning: EtcdTuning): Etcd3 {
  return new Etcd3(etcdClientOptions(connection, tuning));
}
