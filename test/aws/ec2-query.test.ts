// EC2's Query protocol for DescribeInstances, without a network: the form body, a
// real-shaped answer (test/aws/fixtures), EC2's error document and what is not one.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeInstancesBody, readDescribeInstances, readErrorAnswer, UnreadableAnswerError } from '../../src/aws/ec2-query.js';
import { describeInstancesXml, errorXml } from './capture.js';

const REAL_SHAPED = readFileSync(new URL('./fixtures/describe-instances.xml', import.meta.url), 'utf8');

describe('describeInstancesBody', () => {
  it('writes ids, filters, token and page size in the SDK\'s order, percent-encoded as the SDK encodes', () => {
    expect(describeInstancesBody({ Filters: [{ Name: 'tag:Name', Values: ["it's (a) *", 'b'] }, { Name: 'instance-state-name', Values: ['running'] }], MaxResults: 5, NextToken: 'a+b/c=' })).toBe(
      'Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=it%27s%20%28a%29%20%2A&Filter.1.Value.2=b' +
        '&Filter.2.Name=instance-state-name&Filter.2.Value.1=running&NextToken=a%2Bb%2Fc%3D&MaxResults=5',
    );
    expect(describeInstancesBody({ InstanceIds: ['i-1', 'i-2'] })).toBe('Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2');
    expect(describeInstancesBody({ InstanceIds: [], Filters: [] })).toBe('Action=DescribeInstances&Version=2016-11-15');
  });
});

describe('readDescribeInstances', () => {
  it('reads a real-shaped answer: only each instance\'s own fields, not its network interfaces\'', () => {
    const page = readDescribeInstances(REAL_SHAPED);
    expect(page).toEqual({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-0598c7d356eba48d7', PrivateDnsName: 'ip-10-0-1-17.eu-west-1.compute.internal', LaunchTime: new Date('2026-03-02T08:41:07Z'), State: { Name: 'running' } },
            { InstanceId: 'i-0b22a22eec53b9321', PrivateDnsName: 'ip-10-0-2-203.eu-west-1.compute.internal', LaunchTime: new Date('2026-03-02T08:59:58Z'), State: { Name: 'pending' } },
          ],
        },
        { Instances: [{ InstanceId: 'i-0c33b33ffd64c0432', PrivateDnsName: '', LaunchTime: new Date('2026-03-01T22:15:42Z'), State: { Name: 'terminated' } }] },
      ],
      NextToken: 'eyJ2IjoiMiIsImMiOiJ3UkF0bGt3bSsvPSJ9',
      requestId: '8f7724cf-496f-496e-8fe3-4c5e6a2f1d07',
    });
  });

  it('reads one item and no items (the parser gives a value, not a list, and "" for an empty set)', () => {
    const one = readDescribeInstances(describeInstancesXml([{ id: 'i-1', dns: 'ip-1', state: 'running', launched: '2026-03-02T08:00:00+01:00' }]));
    expect(one.Reservations).toEqual([{ Instances: [{ InstanceId: 'i-1', PrivateDnsName: 'ip-1', LaunchTime: new Date('2026-03-02T07:00:00Z'), State: { Name: 'running' } }] }]);
    expect(one.NextToken).toBeUndefined();
    expect(readDescribeInstances(describeInstancesXml([])).Reservations).toEqual([]);
    // An empty <nextToken/> is the last page, as for the SDK's paginator.
    expect(readDescribeInstances(describeInstancesXml([], '')).NextToken).toBeUndefined();
  });

  it('refuses what it cannot read, saying what it got', () => {
    expect(() => readDescribeInstances('<html>gateway</html>')).toThrow(UnreadableAnswerError);
    expect(() => readDescribeInstances('<html>gateway</html>')).toThrow('without a DescribeInstancesResponse: "<html>gateway</html>"');
    expect(() => readDescribeInstances('not xml')).toThrow('not XML');
    expect(() => readDescribeInstances(describeInstancesXml([{ id: 'i-1', dns: '', state: 'running', launched: 'yesterday' }]))).toThrow('launchTime that is not an RFC 3339 date: "yesterday"');
    // The name errors.ts reports as the reason.
    expect(() => readDescribeInstances('')).toThrow(expect.objectContaining({ name: 'UnreadableAnswer' }));
  });
});

describe('readErrorAnswer', () => {
  it('reads EC2\'s error document, entities decoded', () => {
    expect(readErrorAnswer(errorXml('RequestLimitExceeded', 'Request limit exceeded &amp; more.', 'req-1'))).toEqual({ code: 'RequestLimitExceeded', message: 'Request limit exceeded & more.', requestId: 'req-1' });
    // Several errors: EC2 puts the first one first.
    const two = '<Response><Errors><Error><Code>A</Code><Message>a</Message></Error><Error><Code>B</Code><Message>b</Message></Error></Errors></Response>';
    expect(readErrorAnswer(two)).toEqual({ code: 'A', message: 'a', requestId: undefined });
  });

  it('reads anything else as no error document', () => {
    expect(readErrorAnswer('<html>upstream gone</html>')).toBeUndefined();
    expect(readErrorAnswer('')).toBeUndefined();
    expect(readErrorAnswer('Service Unavailable')).toBeUndefined();
    expect(readErrorAnswer('<Response><Errors><Error><Message>no code</Message></Error></Errors></Response>')).toBeUndefined();
  });
});
