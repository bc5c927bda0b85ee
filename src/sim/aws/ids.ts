// Identifiers and addresses shaped like AWS's, drawn from an injected random source so a
// test can fix them. Clients parse some of these (the cluster autoscaler's providerID regex
// wants `i-` + hex; node names are the private DNS names), so the shapes matter.

export type Random = () => number;

/** The simulated account: ARNs and EC2 owner ids carry it. */
export const ACCOUNT_ID = '123456789012';

function hex(random: Random, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** `i-` and 17 lowercase hex digits, as EC2 has issued since 2016. */
export const newInstanceId = (random: Random): string => `i-${hex(random, 17)}`;

export const newReservationId = (random: Random): string => `r-${hex(random, 17)}`;

/** A version-4 UUID, the shape of activity ids, request ids and the id inside a group ARN. */
export function newUuid(random: Random): string {
  const h = hex(random, 32);
  const variant = '89ab'[Math.floor(random() * 4)] ?? '8';
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function groupArn(region: string, name: string, random: Random): string {
  return `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:autoScalingGroup:${newUuid(random)}:autoScalingGroupName/${name}`;
}

const HOSTS_PER_ZONE = 1 << 14;
/** AWS keeps the first four addresses and the last one of every subnet. */
const FIRST_HOST = 4;

/**
 * A free private address in the zone's subnet: 10.0.0.0/16 is cut into four /18s, one per
 * zone letter (a → 10.0.0.0/18, b → 10.0.64.0/18, c → 10.0.128.0/18, d → 10.0.192.0/18; later
 * letters wrap), so an address tells its zone as it does in a typical VPC layout.
 */
export function newPrivateIp(zone: string, taken: (ip: string) => boolean, random: Random): string {
  const letter = zone.charCodeAt(zone.length - 1) - 'a'.charCodeAt(0);
  const base = (((letter % 4) + 4) % 4) * HOSTS_PER_ZONE;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const host = FIRST_HOST + Math.floor(random() * (HOSTS_PER_ZONE - FIRST_HOST - 1));
    const n = base + host;
    const ip = `10.0.${n >> 8}.${n & 255}`;
    if (!taken(ip)) return ip;
  }
  throw new Error(`no free private address left in the subnet of ${zone}`);
}

/** EC2's default (IP-based) hostname, which is also the Kubernetes node name. */
export function privateDnsName(ip: string, region: string): string {
  const domain = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return `ip-${ip.replaceAll('.', '-')}.${domain}`;
}
