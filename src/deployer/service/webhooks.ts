// Webhooks told the outcome of a deployment: a POST of {event, deployment} to each URL
// whose events include it (all when none are listed). Best-effort: a hook that fails or
// takes longer than 5 s is logged, never a reason to fail or delay the deployment.
//
// Held to the operator's policy at send time too, whatever was stored before it: the URL's
// rules again (https, allow-list, no credentials), and the addresses the host resolves to
// (a public name that resolves to a private address is refused unless the host is
// allow-listed; the check is in the connection's own lookup, so what is checked is what is
// connected to). No redirect is followed. A webhook with a secretRef is signed
// (X-Scalerd-Signature) with the Secret's value, read now; when it cannot be read the
// webhook is not called at all rather than called unsigned. URLs are logged redacted.

import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import { systemClock } from '../../clock.js';
import type { SecretReader } from '../../ports/secrets.js';
import type { DeployEvent, Webhook } from '../descriptor/index.js';
import { hostAllowed, isInternalAddress, OPEN_NAMESPACES_POLICY, redactUrl, type WebhookPolicy } from '../descriptor/policy/index.js';
import { webhookViolations } from '../descriptor/policy/webhook-urls.js';
import { SIGNATURE_HEADER, signatureHeader } from '../signing/index.js';
import type { DeploymentRecord } from '../state/records.js';

const TIMEOUT_MS = 5_000;

export type WebhookSenderOptions = {
  readonly log: Logger;
  /** Reads a webhook's secretRef (in the deployment's namespace); without it, a webhook with a secretRef is not called. */
  readonly secrets?: SecretReader;
  /** The operator's webhook rules (default: https to public hosts only). */
  readonly policy?: WebhookPolicy;
  readonly now?: () => number;
  /** Resolves host names (default: the system's, node:dns lookup); tests point names at loopback with it. */
  readonly lookup?: typeof dnsLookup;
};

export async function notify(hooks: readonly Webhook[], event: DeployEvent, record: DeploymentRecord, o: WebhookSenderOptions): Promise<void> {
  const { descriptor: _descriptor, ...deployment } = record;
  const body = JSON.stringify({ event, deployment });
  await Promise.all(hooks.filter((h) => h.events.length === 0 || h.events.includes(event)).map(async (hook) => {
    const url = redactUrl(hook.url);
    try {
      const status = await send(hook, body, record.namespace, o);
      if (status === 'skipped') return;
      if (status < 200 || status >= 300) o.log.warn({ event: 'webhook-failed', url, status }, `webhook ${url} answered ${status}`);
    } catch (error) {
      o.log.warn({ event: 'webhook-failed', url, reason: (error as Error).message }, `webhook ${url} failed: ${(error as Error).message}`);
    }
  }));
}

async function send(hook: Webhook, body: string, namespace: string, o: WebhookSenderOptions): Promise<number | 'skipped'> {
  const policy = o.policy ?? OPEN_NAMESPACES_POLICY.webhooks;
  const url = redactUrl(hook.url);
  const refused = webhookViolations(hook.url, '', policy);
  if (refused.length > 0) {
    o.log.warn({ event: 'webhook-refused', url, rules: refused.map((v) => v.rule) }, `webhook ${url} not called: ${refused.map((v) => `${v.rule}: ${v.message}`).join('; ')}`);
    return 'skipped';
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'scalerd-deployer', 'content-length': String(Buffer.byteLength(body)) };
  if (hook.secretRef) {
    const { name, key } = hook.secretRef;
    const secret = o.secrets ? await o.secrets.readSecretKey(namespace, name, key) : undefined;
    if (secret === undefined || secret === '') {
      o.log.warn({ event: 'webhook-secret-missing', url, secret: `${namespace}/${name}`, key }, `webhook ${url} not called: ${o.secrets ? `Secret ${namespace}/${name} has no key "${key}"` : 'the deployer reads no Secrets'}, and a webhook that asks to be signed is never called unsigned`);
      return 'skipped';
    }
    headers[SIGNATURE_HEADER] = signatureHeader(secret, (o.now ?? (() => systemClock.now()))(), body);
  }
  return post(new URL(hook.url), body, headers, guardedLookup(new URL(hook.url).hostname, policy, o.lookup ?? dnsLookup));
}

type Lookup = NonNullable<RequestOptions['lookup']>;

/** The system's lookup, refusing internal addresses for a host that is not allow-listed. */
function guardedLookup(host: string, policy: WebhookPolicy, resolve: typeof dnsLookup): Lookup {
  const trusted = hostAllowed(host, policy.allowedHosts);
  return ((hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const internal = trusted ? [] : addresses.filter((a) => isInternalAddress(a.address));
      if (internal.length > 0) {
        return callback(new Error(`${hostname} resolves to an internal address (${internal[0]!.address}); allow the host with --webhook-hosts to call it`), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      return first ? callback(null, first.address, first.family) : callback(new Error(`${hostname} has no address`), []);
    });
  }) as Lookup;
}

/** One POST; the answer's status (its body is discarded). No redirect is followed. */
function post(url: URL, body: string, headers: Record<string, string>, lookup: Lookup): Promise<number> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, lookup, signal: AbortSignal.timeout(TIMEOUT_MS) }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0)).once('error', reject);
    });
    req.once('error', (error) => reject(error.name === 'AbortError' ? new Error(`no answer within ${TIMEOUT_MS} ms`) : error));
    req.end(body);
  });
}
