// Where a descriptor's webhooks may point, and what their URLs may carry. Pure: the rules
// on the URL as written. The sender checks the resolved addresses again (service/webhooks.ts).
// A URL with credentials is refused and never repeated: messages name the webhook by its
// place and host only, and redactUrl is what logs and answers show of a stored one.

import type { WebhookPolicy, PolicyViolation } from './types.js';
import { hostAllowed, isInternalAddress, isInternalName } from './internal-addresses.js';
import { isIP } from 'node:net';

/** Query parameters whose value is a credential, by name (lowercase, `-` and `_` ignored). */
const CREDENTIAL_PARAMS = new Set(['token', 'accesstoken', 'apikey', 'key', 'secret', 'clientsecret', 'password', 'passwd', 'pwd', 'auth', 'authorization', 'sig', 'signature', 'credential', 'credentials', 'session', 'sessionid']);

const isCredentialParam = (name: string): boolean => CREDENTIAL_PARAMS.has(name.toLowerCase().replace(/[-_]/g, ''));

// An authority with a ':' or '@' may hold a user and password; in text that does not parse
// (a value cut short by a message, say) it is masked whole.
const AUTHORITY_WITH_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*[:@][^/?#\s]*/i;
const QUERY_PARAM = /([?&])([^=&#\s]+)=([^&#\s]*)/g;

/**
 * The URL without what a credential could be: user and password, and credential-like query
 * values, each as `***`. A URL with none is returned exactly as written (what GET gives,
 * PUT takes); one that does not parse is masked by pattern (its authority whole, when it has
 * a ':' or '@').
 */
export function redactUrl(raw: string): string {
  if (!URL.canParse(raw)) return raw.replace(AUTHORITY_WITH_USERINFO, '$1***').replace(QUERY_PARAM, (all, sep: string, name: string) => (isCredentialParam(name) ? `${sep}${name}=***` : all));
  const url = new URL(raw);
  const params = [...url.searchParams.keys()].filter(isCredentialParam);
  if (url.username === '' && url.password === '' && params.length === 0) return raw;
  if (url.username !== '') url.username = '***';
  if (url.password !== '') url.password = '***';
  for (const name of params) url.searchParams.set(name, '***');
  return url.href;
}

/** Any URL in free text (a schema message quoting a value) with its credentials masked. */
export function redactUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => redactUrl(url));
}

export function webhookViolations(url: string, pointer: string, policy: WebhookPolicy): PolicyViolation[] {
  // An unparsable URL is SCALERD_ERR_DESCRIPTOR_WEBHOOK's to report.
  if (!URL.canParse(url)) return [];
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const found: PolicyViolation[] = [];
  if (parsed.username !== '' || parsed.password !== '') {
    found.push({
      rule: 'webhook/credentials', pointer,
      message: `the webhook URL to ${host} carries a user name or password; it would be stored, logged and shown`,
      hint: 'remove user:password@ from the URL; give the webhook "secretRef": {"name": "<Secret>", "key": "<key>"} and check the X-Scalerd-Signature it sends',
    });
  }
  const secretParams = [...parsed.searchParams.keys()].filter(isCredentialParam);
  if (secretParams.length > 0) {
    found.push({
      rule: 'webhook/credentials', pointer,
      message: `the webhook URL to ${host} carries a credential in its query (${secretParams.join(', ')}); it would be stored, logged and shown`,
      hint: 'remove it from the URL; give the webhook "secretRef": {"name": "<Secret>", "key": "<key>"} and check the X-Scalerd-Signature it sends',
    });
  }
  if (parsed.protocol === 'http:' && !policy.allowHttp) {
    found.push({
      rule: 'webhook/https', pointer, message: `the webhook URL to ${host} is http://: the deployment's outcome would cross the network in the clear`,
      hint: 'use https://, or have the operator start the deployer with --webhook-allow-http',
    });
  }
  const listed = hostAllowed(host, policy.allowedHosts);
  if (policy.allowedHosts.length > 0 && !listed) {
    found.push({
      rule: 'webhook/host-not-allowed', pointer, message: `webhook host ${host} is not on the deployer's allow-list (${policy.allowedHosts.join(', ')})`,
      hint: 'point the webhook at an allowed host, or have the operator add it to --webhook-hosts',
    });
  } else if (!listed && (isIP(host) !== 0 ? isInternalAddress(host) : isInternalName(host))) {
    found.push({
      rule: 'webhook/internal-host', pointer, message: `webhook host ${host} is internal (loopback, link-local, private or cluster-local)`,
      hint: 'point the webhook at a public host, or have the operator allow this one with --webhook-hosts',
    });
  }
  return found;
}
