// Which addresses and names are internal: a descriptor's webhook must not reach the
// deployer's own network (its admin endpoints, the cloud's metadata service, the cluster's
// Services) unless the operator allow-listed the host. Used by the pure check on the URL
// and again at send time on the addresses the name resolves to (a public name may resolve
// to a private address). Pure computation (node:net's BlockList parses and matches).

import { BlockList, isIP } from 'node:net';

// Two lists: node's BlockList checks an IPv4 address against IPv6 rules as ::ffff:a.b.c.d,
// so one list holding ::ffff:0:0/96 would call every IPv4 address internal.
const INTERNAL_V4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL_V4.addSubnet(network, prefix, 'ipv4');
// IPv6: unspecified, loopback and IPv4-compatible (::/96), IPv4-mapped (::ffff:0:0/96: the
// URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1, so the whole block is refused rather
// than decoded), unique local, link-local, multicast, NAT64.
const INTERNAL_V6 = new BlockList();
for (const [network, prefix] of [['::', 96], ['::ffff:0:0', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) INTERNAL_V6.addSubnet(network, prefix, 'ipv6');

/** Loopback, link-local, private, shared (CGNAT), unspecified, multicast or reserved. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return INTERNAL_V4.check(bare, 'ipv4');
  return family === 6 && INTERNAL_V6.check(bare, 'ipv6');
}

// Names that only resolve inside a network: a cluster's Services, mDNS, private zones.
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.svc', '.cluster.local', '.localdomain', '.home.arpa', '.intranet', '.lan', '.corp'];

/** A host name (not an address) that names something internal; a name without a dot resolves through search domains, to a Service. */
export function isInternalName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || !name.includes('.') || INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** Whether `host` (a URL's hostname) is on the allow-list: exact, or under a `*.` entry. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase().replace(/^\[|\]$/g, '');
    return allowed.startsWith('*.') ? name.endsWith(allowed.slice(1)) && name.length > allowed.length - 1 : name === allowed;
  });
}
