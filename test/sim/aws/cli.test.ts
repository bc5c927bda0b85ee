// The simulator through an independent client: the AWS CLI v2 (Debian package awscli), which
// is Python/botocore, not the JavaScript SDK — so its serializer and parser check ours.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, servedWorld, spec, TIMINGS } from './helpers.js';

/** Debian's v2 CLI; a Python v1 `aws` may come first on PATH, so never rely on PATH. */
const AWS_CLI = '/usr/bin/aws';

let home: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'scalerd-awscli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const s = servedWorld((w) => w.model.addGroup(spec({ minSize: 2 }), { startInService: true }));

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI asynchronously (the server answers from this same process) with no user configuration. */
function aws(...args: string[]): Promise<Run> {
  return awsWith({}, ...args);
}

/** The same with other credentials in the environment. */
function awsWith(credentials: { AWS_ACCESS_KEY_ID?: string; AWS_SECRET_ACCESS_KEY?: string }, ...args: string[]): Promise<Run> {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`The AWS CLI v2 is missing at ${AWS_CLI}: install the Debian package awscli (apt-get install awscli). CI installs it; these tests never skip.`);
  }
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...credentials,
  };
  const argv = args[0] === '--version' ? args : [...args, '--endpoint-url', s.endpoint, '--region', 'eu-west-1', '--output', 'json'];
  return new Promise((resolve) => {
    execFile(AWS_CLI, argv, { env, timeout: 25_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const json = (run: Run): Record<string, unknown> => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
};

// Every test starts the AWS CLI (a Python program: 1-3 s a start on a loaded machine) a few
// times; beside two busy loops one took 20 s of the default 30.
describe('AWS CLI v2 against the simulator', { timeout: 90_000 }, () => {
  it('is the v2 CLI', async () => {
    const { stdout, stderr } = await aws('--version');
    expect(`${stdout}${stderr}`).toMatch(/^aws-cli\/2\./);
  });

  it('autoscaling describe-auto-scaling-groups', async () => {
    const out = json(await aws('autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'workers')) as { AutoScalingGroups: Record<string, unknown>[] };
    expect(out.AutoScalingGroups).toHaveLength(1);
    expect(out.AutoScalingGroups[0]).toMatchObject({ AutoScalingGroupName: 'workers', MinSize: 2, MaxSize: 10, DesiredCapacity: 3, SuspendedProcesses: [] });
    expect((out.AutoScalingGroups[0]?.Instances as { InstanceId: string; LifecycleState: string }[]).map((i) => [i.InstanceId, i.LifecycleState])).toEqual(
      s.w.model.group('workers')!.instances.map((i) => [i.instanceId, 'InService']),
    );
  });

  it('autoscaling set-desired-capacity', async () => {
    const run = await aws('autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', 'workers', '--desired-capacity', '4');
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(4);
    expect(s.w.recorder.facts('mutation').find((f) => f.operation === 'SetDesiredCapacity')?.client).toBe(KEY.accessKeyId);
  });

  it('autoscaling terminate-instance-in-auto-scaling-group --should-decrement-desired-capacity', async () => {
    const id = s.w.model.group('workers')!.instances[1]!.instanceId;
    const out = json(await aws('autoscaling', 'terminate-instance-in-auto-scaling-group', '--instance-id', id, '--should-decrement-desired-capacity'));
    expect(out.Activity).toMatchObject({ AutoScalingGroupName: 'workers', Description: `Terminating EC2 instance: ${id}`, StatusCode: 'InProgress' });
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(2);
    expect(s.w.model.instance(id)?.lifecycle).toBe('Terminating');
  });

  it('autoscaling set-instance-protection sets and clears scale-in protection', async () => {
    const [id] = s.w.model.group('workers')!.instances.map((i) => i.instanceId);
    const set = await aws('autoscaling', 'set-instance-protection', '--auto-scaling-group-name', 'workers', '--instance-ids', id!, '--protected-from-scale-in');
    expect(set).toEqual({ code: 0, stdout: '', stderr: '' });
    const described = json(await aws('autoscaling', 'describe-auto-scaling-instances', '--instance-ids', id!)) as { AutoScalingInstances: { ProtectedFromScaleIn: boolean }[] };
    expect(described.AutoScalingInstances.map((i) => i.ProtectedFromScaleIn)).toEqual([true]);
    const cleared = await aws('autoscaling', 'set-instance-protection', '--auto-scaling-group-name', 'workers', '--instance-ids', id!, '--no-protected-from-scale-in');
    expect(cleared).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(s.w.model.group('workers')!.instances.find((i) => i.instanceId === id)?.protectedFromScaleIn).toBe(false);
  });

  it('autoscaling set-desired-capacity below MinSize fails with the AWS message', async () => {
    const run = await aws('autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', 'workers', '--desired-capacity', '1');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('An error occurred (ValidationError) when calling the SetDesiredCapacity operation: New SetDesiredCapacity value 1 is below min value 2 for the AutoScalingGroup.');
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(3);
  });

  it('ec2 describe-instances with filters', async () => {
    s.w.model.setDesiredCapacity('workers', 4);
    const out = json(
      await aws('ec2', 'describe-instances', '--filters', 'Name=tag:aws:autoscaling:groupName,Values=workers', 'Name=instance-state-name,Values=running'),
    ) as { Reservations: { Instances: { InstanceId: string; PrivateDnsName: string; State: { Name: string } }[] }[] };
    const instances = out.Reservations.flatMap((r) => r.Instances);
    const running = s.w.model.group('workers')!.instances.filter((i) => i.lifecycleState === 'InService');
    expect(instances.map((i) => i.InstanceId)).toEqual(running.map((i) => i.instanceId));
    expect(instances.every((i) => i.State.Name === 'running' && i.PrivateDnsName.endsWith('.eu-west-1.compute.internal'))).toBe(true);
  });
});

describe('AWS CLI v2 refused as AWS refuses it', () => {
  /** The CLI's exit status for an error the service answered, and its one line. */
  const refused = (run: Run, operation: string, code: string, message: string) => {
    expect(run.stdout).toBe('');
    expect({ code: run.code, stderr: run.stderr.trim() }).toEqual({ code: 254, stderr: `An error occurred (${code}) when calling the ${operation} operation: ${message}` });
  };

  it('--no-sign-request: Auto Scaling MissingAuthenticationToken, EC2 MissingParameter', async () => {
    refused(await aws('autoscaling', 'describe-auto-scaling-groups', '--no-sign-request'), 'DescribeAutoScalingGroups', 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    refused(await aws('ec2', 'describe-instances', '--no-sign-request'), 'DescribeInstances', 'MissingParameter', 'The request must contain the parameter AWSAccessKeyId');
  });

  it('a wrong secret, an unknown key', async () => {
    refused(await awsWith({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }, 'autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', 'workers', '--desired-capacity', '4'), 'SetDesiredCapacity', 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
    refused(await awsWith({ AWS_ACCESS_KEY_ID: 'AKIDSTRANGER' }, 'autoscaling', 'describe-auto-scaling-groups'), 'DescribeAutoScalingGroups', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    refused(await awsWith({ AWS_ACCESS_KEY_ID: 'AKIDSTRANGER' }, 'ec2', 'describe-instances'), 'DescribeInstances', 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(3);
  });

  it('a health check type that is not one', async () => {
    refused(await aws('autoscaling', 'update-auto-scaling-group', '--auto-scaling-group-name', 'workers', '--health-check-type', 'PING'), 'UpdateAutoScalingGroup', 'ValidationError',
      "1 validation error detected: Value 'PING' at 'healthCheckType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, ELB, VPC_LATTICE, EBS]");
  });

  it('set-desired-capacity --honor-cooldown during the cooldown after a launch; --no-honor-cooldown goes through', async () => {
    s.w.model.setDesiredCapacity('workers', 4);
    s.w.clock.advance(TIMINGS.launchDelayMs + 60_000);
    const launch = s.w.model.activities()[0]!;
    refused(await aws('autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', 'workers', '--desired-capacity', '5', '--honor-cooldown'), 'SetDesiredCapacity', 'ScalingActivityInProgress',
      `Scaling activity ${launch.activityId} is in progress and blocks this action`);
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(4);
    expect(await aws('autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', 'workers', '--desired-capacity', '5', '--no-honor-cooldown')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(s.w.model.group('workers')?.desiredCapacity).toBe(5);
  });
});
