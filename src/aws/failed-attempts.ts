// Every attempt of an AWS call and how it ended, told to the adapter's observer (the
// daemon counts them in scalerd_api_requests_total and scalerd_api_errors_total), the failed
// ones a retry then masks included. The retries
// happen below the adapter, so this hooks in where each attempt is made: for Auto Scaling
// a middleware just inside the SDK's retry middleware, for EC2 the attempt function of
// scalerd's own retry loop (ec2-client.ts). An attempt counts as AWS answered it (an
// InvalidInstanceID.NotFound that terminate.ts then reads as "gone" included).

import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ApiCallObserver } from '../ports/api-errors.js';
import { classify } from './errors.js';

/**
 * The operations scalerd calls, by their Action: the name of the simulator's faults,
 * CloudTrail and scalerd_api_errors_total. errors.ts's guarded() takes only these, so the
 * daemon can show each one's failure count at 0 from its first scrape.
 */
export const AWS_OPERATIONS = [
  'DescribeAutoScalingGroups', 'DescribeAutoScalingInstances', 'SetDesiredCapacity',
  'TerminateInstanceInAutoScalingGroup', 'SuspendProcesses', 'ResumeProcesses', 'DescribeInstances',
] as const;

export type AwsOperation = (typeof AWS_OPERATIONS)[number];

/** Tells `observer` of one failed attempt; a call the caller aborted did not fail. */
export function reportFailedAttempt(observer: ApiCallObserver, operation: string, error: unknown): void {
  if (error instanceof Error && error.name === 'AbortError') return;
  observer('aws', operation, classify(error).errorClass);
}

/** The SDK's context names the command class: "TerminateInstanceInAutoScalingGroupCommand". */
const operationOf = (context: { readonly commandName?: string }): string => (context.commandName ?? 'unknown').replace(/Command$/, '');

/**
 * Adds the observing middlewares to the client's stack. IMPORTANT: the one that counts
 * attempts sits right after the retry middleware (finalizeRequest step), so that it runs once
 * per attempt, around signing and the service error the deserializer makes of the answer;
 * anywhere before the retry middleware it would see only the last attempt. The SDK resolves
 * credentials and the endpoint before that (serialize step): a failure there is a call
 * that never made an attempt, counted once by the outermost middleware.
 */
export function observeFailedAttempts(client: AutoScalingClient, observer: ApiCallObserver): void {
  const counted = new WeakSet<object>();
  const observing = (record: boolean) => <A, R>(next: (args: A) => Promise<R>, context: { readonly commandName?: string }) => async (args: A): Promise<R> => {
    try {
      const answer = await next(args);
      // An answer is one attempt's, told once by the attempt-level middleware.
      if (record) observer('aws', operationOf(context), 'ok');
      return answer;
    } catch (error) {
      const known = typeof error === 'object' && error !== null;
      if (!(known && counted.has(error))) {
        reportFailedAttempt(observer, operationOf(context), error);
        if (record && known) counted.add(error);
      }
      throw error;
    }
  };
  client.middlewareStack.addRelativeTo(observing(true), { name: 'scalerdFailedAttempts', relation: 'after', toMiddleware: 'retryMiddleware', override: true });
  client.middlewareStack.add(observing(false), { name: 'scalerdFailedCalls', step: 'initialize', priority: 'high', override: true });
}
