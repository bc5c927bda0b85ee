// AWS API errors as values. The model returns them; the query handler renders them in the
// service's XML shape with the service's status code. Messages are AWS's own words where they
// are known (quoted in issues and CloudTrail logs); the few we could not find are marked.

export type AwsFault = {
  /** The error code clients switch on (the SDK's exception name). */
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** Auto Scaling's <Type>: who is to blame. */
  readonly type: 'Sender' | 'Server';
};

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: AwsFault };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(fault: AwsFault): Result<T> => ({ ok: false, fault });

export const sender = (code: string, message: string, status = 400): AwsFault => ({ code, message, status, type: 'Sender' });

export const validation = (message: string): AwsFault => sender('ValidationError', message);

/**
 * SetDesiredCapacity and SetInstanceProtection answer an unknown group with a literal
 * "null"; UpdateAutoScalingGroup and the others name the group.
 */
export function groupNotFound(name: string, action: string): AwsFault {
  const detail = action === 'SetDesiredCapacity' || action === 'SetInstanceProtection' ? 'null' : `AutoScalingGroup ${name} not found`;
  return validation(`AutoScalingGroup name not found - ${detail}`);
}

export const instanceNotManaged = (instanceId: string): AwsFault =>
  validation(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);

/** AWS's (Coral's) message for parameters that break their model constraints, one sentence each. */
export const validationErrors = (problems: readonly string[]): AwsFault =>
  validation(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);

/** One of those sentences: `value` as AWS quotes it, `field` in lowerCamel (dotted for a member of a structure). */
export const brokenConstraint = (field: string, value: string | null, rule: string): string =>
  `Value ${value === null ? 'null' : `'${value}'`} at '${field}' failed to satisfy constraint: ${rule}`;

/** The message for one parameter that breaks one constraint. */
export const constraint = (field: string, value: string, rule: string): AwsFault => validationErrors([brokenConstraint(field, value, rule)]);

/** The errors a fault rule can inject, by code, with the status and words AWS uses. */
export function injectedFault(code: string | number): AwsFault {
  switch (code) {
    case 'Throttling':
      return sender('Throttling', 'Rate exceeded');
    case 'RequestLimitExceeded':
      return { code, message: 'Request limit exceeded.', status: 503, type: 'Server' };
    case 'ServiceUnavailable':
    case 503:
      return { code: 'ServiceUnavailable', message: 'Service is unavailable. Please try again later.', status: 503, type: 'Server' };
    case 'ScalingActivityInProgress':
      // Not found verbatim; AWS's documented meaning of the code.
      return sender('ScalingActivityInProgress', 'The operation can\'t be performed because there are scaling activities in progress.');
    case 'ResourceContention':
      return { code, message: 'You already have a pending update to an Auto Scaling resource (for example, a group, instance, or load balancer).', status: 500, type: 'Server' };
    case 'InternalFailure':
    case 500:
      return { code: 'InternalFailure', message: 'An internal error occurred.', status: 500, type: 'Server' };
    default:
      return sender(String(code), `Injected fault: ${code}`);
  }
}
