// DescribeInstances through the real @aws-sdk/client-ec2.

import { DescribeInstancesCommand, paginateDescribeInstances, type DescribeInstancesCommandInput, type Filter } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { servedWorld, spec, TIMINGS } from './helpers.js';

const s = servedWorld((w) => {
  w.model.addGroup(spec(), { startInService: true });
  w.model.addGroup(spec({ name: 'batch', availabilityZones: ['eu-west-1b'], desiredCapacity: 2, tags: { Name: 'batch' } }), { startInService: true });
});

const ids = async (input: { InstanceIds?: string[]; Filters?: Filter[] } = {}) =>
  ((await s.ec2.send(new DescribeInstancesCommand(input))).Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);

const groupIds = (group: string) => s.w.model.group(group)!.instances.map((i) => i.instanceId);

describe('DescribeInstances through the SDK', () => {
  it('describes each instance in its own reservation with state, addresses, placement and tags', async () => {
    const first = s.w.model.instances()[0]!;
    const { Reservations } = await s.ec2.send(new DescribeInstancesCommand({ InstanceIds: [first.instanceId] }));
    expect(Reservations).toHaveLength(1);
    expect(Reservations?.[0]?.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    const instance = Reservations?.[0]?.Instances?.[0];
    expect(instance).toMatchObject({
      InstanceId: first.instanceId,
      InstanceType: 'm5.large',
      State: { Code: 16, Name: 'running' },
      PrivateDnsName: first.privateDnsName,
      PrivateIpAddress: first.privateIpAddress,
      Placement: { AvailabilityZone: 'eu-west-1a' },
      LaunchTime: new Date('2026-03-02T09:00:00Z'),
    });
    expect(instance?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'Name', Value: 'workers' },
        { Key: 'aws:autoscaling:groupName', Value: 'workers' },
      ]),
    );
  });

  it('filters by group tag, tag key, state, DNS name and zone, with wildcards', async () => {
    expect(await ids({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['batch'] }] })).toEqual(groupIds('batch'));
    expect(await ids({ Filters: [{ Name: 'tag:Name', Values: ['work*'] }] })).toEqual(groupIds('workers'));
    expect(await ids({ Filters: [{ Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/enabled'] }] })).toEqual(groupIds('workers'));
    expect(await ids({ Filters: [{ Name: 'availability-zone', Values: ['eu-west-1b'] }, { Name: 'tag:Name', Values: ['workers'] }] })).toEqual([groupIds('workers')[1]]);
    const dns = s.w.model.instances()[2]!.privateDnsName;
    expect(await ids({ Filters: [{ Name: 'private-dns-name', Values: [dns] }] })).toEqual([s.w.model.instances()[2]!.instanceId]);
    s.w.model.setDesiredCapacity('workers', 4);
    expect(await ids({ Filters: [{ Name: 'instance-state-name', Values: ['pending'] }] })).toEqual([groupIds('workers')[3]]);
    expect(await ids({ Filters: [{ Name: 'instance-id', Values: ['i-*'] }, { Name: 'instance-state-name', Values: ['running', 'pending'] }] })).toHaveLength(6);
  });

  it('shows a terminated instance as terminated, without its private address, until it expires', async () => {
    const id = groupIds('workers')[0]!;
    s.w.model.terminateInstance(id, true);
    const shuttingDown = (await s.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(shuttingDown?.State).toEqual({ Code: 32, Name: 'shutting-down' });
    s.w.clock.advance(TIMINGS.terminateDelayMs);
    const terminated = (await s.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(terminated?.State).toEqual({ Code: 48, Name: 'terminated' });
    expect(terminated?.PrivateIpAddress).toBeUndefined();
    expect(terminated?.PrivateDnsName).toBe('');
    s.w.clock.advance(TIMINGS.terminatedVisibleMs);
    expect(await ids({ Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] })).toEqual([]);
  });

  it('pages with MaxResults and NextToken, as the SDK paginator uses them', async () => {
    s.w.model.setDesiredCapacity('workers', 8);
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeInstances({ client: s.ec2, pageSize: 5 }, {})) {
      const instances = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []);
      pages.push(instances.length);
      seen.push(...instances.map((i) => i.InstanceId ?? ''));
    }
    expect(pages).toEqual([5, 5]);
    expect(seen).toEqual(s.w.model.instances().map((i) => i.instanceId));
  });

  it('answers unknown, malformed and conflicting requests with EC2 error codes', async () => {
    const error = (input: DescribeInstancesCommandInput) =>
      s.ec2.send(new DescribeInstancesCommand(input)).then(
        () => expect.unreachable('the call succeeded'),
        (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata.httpStatusCode }),
      );
    expect(await error({ InstanceIds: ['i-0123456789abcdef0'] })).toEqual({ name: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0123456789abcdef0' does not exist", status: 400 });
    expect((await error({ InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] })).message).toBe("The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist");
    expect(await error({ InstanceIds: ['node-1'] })).toMatchObject({ name: 'InvalidInstanceID.Malformed', message: 'Invalid id: "node-1"' });
    expect((await error({ InstanceIds: [groupIds('batch')[0]!], MaxResults: 5 })).name).toBe('InvalidParameterCombination');
    expect((await error({ MaxResults: 3 })).name).toBe('InvalidParameterValue');
    expect((await error({ Filters: [{ Name: 'flavour', Values: ['x'] }] })).message).toBe("The filter 'flavour' is invalid");
    expect((await error({ NextToken: 'garbage', MaxResults: 5 })).name).toBe('InvalidPaginationToken');
  });

  it('answers a dry run with DryRunOperation (412), as EC2 does when the call would succeed', async () => {
    const error = await s.ec2.send(new DescribeInstancesCommand({ DryRun: true })).then(
      () => expect.unreachable('the dry run returned instances'),
      (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    expect({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }).toEqual({
      name: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', status: 412,
    });
  });
});
