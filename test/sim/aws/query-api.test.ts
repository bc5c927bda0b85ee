// The wire format itself, with plain HTTP: error documents, routing, GET, missing parameters
// and the "timeout" fault — what the SDK hides but other clients may rely on.

import { describe, expect, it } from 'vitest';
import { KEY, servedWorld, spec } from './helpers.js';
import { send } from './signing.js';

const s = servedWorld((w) => w.model.addGroup(spec({ minSize: 2 }), { startInService: true }));

const signing = (body: string) => ({ key: KEY, region: 'eu-west-1', service: body.includes('Version=2016-11-15') ? 'ec2' : 'autoscaling' });

const post = async (body: string, path = '/') => {
  const res = await send(s.endpoint, { body, path }, signing(body));
  return { status: res.status, text: res.text, requestId: res.headers['x-amzn-requestid'] };
};

describe('query API wire format', () => {
  it('answers an Auto Scaling error with ErrorResponse/Error/Type,Code,Message and RequestId', async () => {
    const { status, text, requestId } = await post('Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=workers&DesiredCapacity=1');
    expect(status).toBe(400);
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>ValidationError</Code>' +
        `<Message>New SetDesiredCapacity value 1 is below min value 2 for the AutoScalingGroup.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  });

  it('answers an EC2 error with Response/Errors/Error and RequestID', async () => {
    const { status, text, requestId } = await post('Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0');
    expect(status).toBe(400);
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>' +
        `<Message>The instance ID 'i-0123456789abcdef0' does not exist</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    );
  });

  it('wraps a result in <ActionResult> and ResponseMetadata, whatever the path', async () => {
    const { status, text } = await post('Action=DescribeAutoScalingGroups&Version=2011-01-01&AutoScalingGroupNames.member.1=workers', '/some/prefix/');
    expect(status).toBe(200);
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeAutoScalingGroupsResponse xmlns="http:\/\/autoscaling\.amazonaws\.com\/doc\/2011-01-01\/"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>workers<\/AutoScalingGroupName>/);
    expect(text).toMatch(/<\/DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DescribeAutoScalingGroupsResponse>$/);
  });

  it('answers SetInstanceProtection with its empty result element, which botocore requires', async () => {
    const id = s.w.model.group('workers')!.instances[0]!.instanceId;
    const { status, text } = await post(`Action=SetInstanceProtection&Version=2011-01-01&AutoScalingGroupName=workers&InstanceIds.member.1=${id}&ProtectedFromScaleIn=true`);
    expect(status).toBe(200);
    expect(text).toMatch(/<SetInstanceProtectionResponse xmlns="[^"]+"><SetInstanceProtectionResult><\/SetInstanceProtectionResult><ResponseMetadata>/);
  });

  it('answers an action without output with ResponseMetadata alone', async () => {
    const { text } = await post('Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=workers&DesiredCapacity=4');
    expect(text).toMatch(/<SetDesiredCapacityResponse xmlns="[^"]+"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/SetDesiredCapacityResponse>$/);
  });

  it('accepts GET with the parameters in the query string', async () => {
    const query = 'Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=availability-zone&Filter.1.Value.1=eu-west-1c';
    const { status, text } = await send(s.endpoint, { method: 'GET', path: `/?${query}`, body: '' }, signing(query));
    expect(status).toBe(200);
    expect(text.match(/<instanceId>/g)).toHaveLength(1);
    expect(text).toContain('<availabilityZone>eu-west-1c</availabilityZone>');
  });

  it('refuses an unknown action with InvalidAction', async () => {
    const { status, text } = await post('Action=DeleteAutoScalingGroup&Version=2011-01-01&AutoScalingGroupName=workers');
    expect(status).toBe(400);
    expect(text).toContain('<Code>InvalidAction</Code><Message>The action DeleteAutoScalingGroup is not valid for this web service.</Message>');
  });

  it('words a missing required parameter as AWS does', async () => {
    const { text } = await post('Action=SetDesiredCapacity&Version=2011-01-01&DesiredCapacity=3');
    expect(text).toContain("<Message>1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null</Message>");
  });

  it('names every constraint of a list member that breaks one, as AWS does', async () => {
    const { status, text } = await post('Action=SetInstanceProtection&Version=2011-01-01&AutoScalingGroupName=workers&InstanceIds.member.1=i-0123456789abcdef01234&ProtectedFromScaleIn=true');
    expect(status).toBe(400);
    expect(text).toContain(
      "<Message>1 validation error detected: Value '[i-0123456789abcdef01234]' at 'instanceIds' failed to satisfy constraint: Member must satisfy constraint: " +
        '[Member must have length less than or equal to 19, Member must have length greater than or equal to 1, ' +
        'Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*]</Message>',
    );
  });

  it('names the client by the access key id it signed with', async () => {
    await post('Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=workers&DesiredCapacity=4');
    expect(s.w.recorder.facts('mutation').find((f) => f.operation === 'SetDesiredCapacity')?.client).toBe(KEY.accessKeyId);
  });

  it('holds the answer back for a "timeout" fault until the client gives up', async () => {
    s.w.faults.addRequestFault({ api: 'aws', operation: 'DescribeAutoScalingGroups', error: 'timeout', count: 1 });
    const controller = new AbortController();
    const body = 'Action=DescribeAutoScalingGroups&Version=2011-01-01';
    const pending = send(s.endpoint, { body, signal: controller.signal }, signing(body));
    // Once the request is in (counted), give up, as a client timeout would.
    while (!s.w.recorder.requests()['aws DescribeAutoScalingGroups']) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect((await post('Action=DescribeAutoScalingGroups&Version=2011-01-01')).status).toBe(200);
  });
});
