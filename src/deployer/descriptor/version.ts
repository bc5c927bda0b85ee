// Which version a deploy creates: the one written, or for "auto" one more than the newest
// present. Pure: the caller reads what is present (DeployerCluster.listVersions, or the
// deployment history) and passes it in.

import { ScalerdError } from '../../errors.js';
import { MAX_VERSION, type RequestedVersion } from './types.js';

/** The version to deploy; `previous` is the newest version present, undefined when none is. */
export function resolveVersion(requested: RequestedVersion, previous: number | undefined): number {
  if (requested !== 'auto') return requested;
  const next = (previous ?? 0) + 1;
  if (next > MAX_VERSION) {
    throw new ScalerdError('SCALERD_ERR_DESCRIPTOR_VERSION', `version "auto" after ${previous} would be ${next}, above the largest version ${MAX_VERSION}`);
  }
  return next;
}

/** The newest of the versions present, undefined when there are none. */
export function newestVersion(versions: Iterable<number>): number | undefined {
  let newest: number | undefined;
  for (const version of versions) if (newest === undefined || version > newest) newest = version;
  return newest;
}
