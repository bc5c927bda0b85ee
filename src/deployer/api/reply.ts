// The deployer API's replies (src/http/reply.ts has their shape): the deployer's own refusals
// (DeployerError) map by kind; anything else is a 500 whose message says nothing of the
// cause (the cause goes to the log).

import type { Code } from '../../errors.js';
import { ApiError, type Reply } from '../../http/reply.js';
import { DeployerError } from '../service/types.js';
import type { DeploymentRecord } from '../state/records.js';

const BY_KIND = {
  conflict: [409, 'SCALERD_ERR_API_CONFLICT'],
  'not-found': [404, 'SCALERD_ERR_API_NOT_FOUND'],
  precondition: [412, 'SCALERD_ERR_API_PRECONDITION'],
  invalid: [422, 'SCALERD_ERR_API_INVALID'],
} as const satisfies Record<DeployerError['kind'], readonly [number, Code]>;

/** The ApiError a thrown value is sent as; undefined for an unexpected one (a 500). */
export function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof DeployerError) {
    const [status, code] = BY_KIND[error.kind];
    return new ApiError(status, code, error.message, Object.keys(error.detail).length > 0 ? error.detail : undefined);
  }
  return undefined;
}

export const INTERNAL = new ApiError(500, 'SCALERD_ERR_API_INTERNAL', 'the deployer failed unexpectedly; its log says why');

/** A record as lists and the log stream show it: without the descriptor (GET of one deployment has it). */
export function summary(record: DeploymentRecord): Omit<DeploymentRecord, 'descriptor'> {
  const { descriptor: _descriptor, ...rest } = record;
  return rest;
}

export const deploymentPath = (record: Pick<DeploymentRecord, 'namespace' | 'app' | 'id'>): string => `/deployments/${record.namespace}/${record.app}/${record.id}`;

/** A deployment started (202) or, when the deployer finished it at once (an undeploy), done (200); Location names it either way. */
export function started(record: DeploymentRecord): Reply {
  return { status: record.status === 'RUNNING' ? 202 : 200, body: record, headers: { location: deploymentPath(record) } };
}

export { ApiError, errorReply, send, type Reply } from '../../http/reply.js';
