// Errors of the simulated API server, answered as metav1.Status like the real one.

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Expired'
  | 'Invalid' | 'MethodNotAllowed' | 'NotAcceptable' | 'UnsupportedMediaType' | 'TooManyRequests'
  | 'InternalError' | 'ServiceUnavailable' | 'Timeout'
  // StatusReasonUnknown: what the API server says of an error it has no reason for (left out of the Status).
  | '';

export type StatusDetails = { name?: string; group?: string; kind?: string; uid?: string; causes?: { reason?: string; message: string; field?: string }[]; retryAfterSeconds?: number };

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    /** The Status's ListMeta: an expired continue token's replacement. */
    readonly listMeta?: { readonly continue?: string },
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.listMeta ?? {},
      status: 'Failure',
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const qualified = (kind: string, group: string) => (group ? `${kind.toLowerCase()}s.${group}` : `${kind.toLowerCase()}s`);

export const notFound = (resource: string, group: string, name: string) =>
  new ApiError(404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`, { name, group, kind: resource });

export const alreadyExists = (resource: string, group: string, name: string) =>
  new ApiError(409, 'AlreadyExists', `${group ? `${resource}.${group}` : resource} "${name}" already exists`, { name, group, kind: resource });

export const conflict = (resource: string, group: string, name: string, why: string) =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${group ? `${resource}.${group}` : resource} "${name}": ${why}`, { name, group, kind: resource });

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

// Current API servers say Expired for a compacted resourceVersion (older ones said Gone).
export const gone = (message: string) => new ApiError(410, 'Expired', message);

export const methodNotAllowed = (message: string) => new ApiError(405, 'MethodNotAllowed', message);

export { qualified };
