// The EC2 action (API version 2016-11-15) the simulator answers: DescribeInstances, in EC2's
// own dialect (lowerCamel elements, <item> lists, one reservation per instance since Auto
// Scaling launches them one by one).

import type { ActionOutcome, Fields, QueryAction } from './action.js';
import { fail, ok, sender, type Result } from './errors.js';
import { ACCOUNT_ID } from './ids.js';
import { page } from './paging.js';
import { readFilters, readParams, type Filter } from './params.js';
import { LIFECYCLE, type InstanceSnapshot } from './records.js';

type Matcher = (instance: InstanceSnapshot, pattern: RegExp) => boolean;

const one =
  (get: (i: InstanceSnapshot) => string | undefined): Matcher =>
  (i, pattern) => {
    const value = get(i);
    return value !== undefined && pattern.test(value);
  };

const FILTERS: Readonly<Record<string, Matcher>> = {
  'instance-id': one((i) => i.instanceId),
  'instance-state-name': one((i) => LIFECYCLE[i.lifecycle].ec2),
  'instance-state-code': one((i) => String(LIFECYCLE[i.lifecycle].code)),
  'instance-type': one((i) => i.instanceType),
  'availability-zone': one((i) => i.availabilityZone),
  'private-dns-name': one((i) => visibleAddress(i)?.dns),
  'private-ip-address': one((i) => visibleAddress(i)?.ip),
  'reservation-id': one((i) => i.reservationId),
  'tag-key': (i, pattern) => Object.keys(i.tags).some((k) => pattern.test(k)),
  'tag-value': (i, pattern) => Object.values(i.tags).some((v) => pattern.test(v)),
};

export const EC2_ACTIONS: Readonly<Record<string, QueryAction>> = {
  DescribeInstances: {
    mutating: false,
    run(model, params) {
      const p = readParams(params, 'ec2', { InstanceId: { kind: 'list' }, DryRun: { kind: 'boolean' }, MaxResults: { kind: 'integer' }, NextToken: { kind: 'string' } });
      if (!p.ok) return p;
      // Every caller may describe instances here, so a dry run always would have succeeded.
      if (p.value.DryRun) return fail(sender('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412));
      const { InstanceId: ids = [], MaxResults: maxResults, NextToken: token } = p.value;
      if (ids.length > 0 && maxResults !== undefined) return fail(sender('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults'));
      if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
        return fail(sender('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`));
      }
      const matchers = compileFilters(readFilters(params, 'ec2'));
      if (!matchers.ok) return matchers;
      const all = model.instances();
      const unknown = checkIds(ids, all);
      if (unknown) return unknown;
      const chosen = all.filter((i) => (ids.length === 0 || ids.includes(i.instanceId)) && matchers.value.every((m) => m(i)));
      const paged = page(chosen, maxResults ?? chosen.length, token);
      if (!paged) return fail(sender('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.'));
      return ok({ result: { reservationSet: paged.items.map(reservationFields), nextToken: paged.nextToken } });
    },
  },
};

function checkIds(ids: readonly string[], all: readonly InstanceSnapshot[]): Result<ActionOutcome> | undefined {
  const malformed = ids.find((id) => !/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id));
  if (malformed !== undefined) return fail(sender('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`));
  const missing = ids.filter((id) => !all.some((i) => i.instanceId === id));
  if (missing.length === 1) return fail(sender('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`));
  if (missing.length > 1) return fail(sender('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`));
  return undefined;
}

/** Filters AND together, a filter's values OR; values may use EC2's * and ? wildcards. */
function compileFilters(filters: readonly Filter[]): Result<((i: InstanceSnapshot) => boolean)[]> {
  const compiled: ((i: InstanceSnapshot) => boolean)[] = [];
  for (const filter of filters) {
    const tagKey = filter.name.startsWith('tag:') ? filter.name.slice(4) : undefined;
    const matcher: Matcher | undefined = tagKey !== undefined ? one((i) => i.tags[tagKey]) : FILTERS[filter.name];
    if (!matcher) return fail(sender('InvalidParameterValue', `The filter '${filter.name}' is invalid`));
    const patterns = filter.values.map(wildcard);
    compiled.push((i) => patterns.some((pattern) => matcher(i, pattern)));
  }
  return ok(compiled);
}

function wildcard(value: string): RegExp {
  const body = value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** A terminated instance has given its private address back, as on EC2. */
function visibleAddress(i: InstanceSnapshot): { ip: string; dns: string } | undefined {
  return i.lifecycle === 'Terminated' ? undefined : { ip: i.privateIpAddress, dns: i.privateDnsName };
}

function reservationFields(i: InstanceSnapshot): Fields {
  const state = LIFECYCLE[i.lifecycle];
  const address = visibleAddress(i);
  return {
    reservationId: i.reservationId,
    ownerId: ACCOUNT_ID,
    groupSet: [],
    instancesSet: [
      {
        instanceId: i.instanceId,
        instanceState: { code: state.code, name: state.ec2 },
        privateDnsName: address?.dns ?? '',
        dnsName: '',
        amiLaunchIndex: 0,
        instanceType: i.instanceType,
        launchTime: new Date(i.launchTime).toISOString(),
        placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
        privateIpAddress: address?.ip,
        tagSet: Object.entries(i.tags).map(([key, value]) => ({ key, value })),
      },
    ],
  };
}
