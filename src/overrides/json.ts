// An override as JSON, the one shape `override list -o json` prints and the console sends:
// every time in RFC 3339 (UTC), and its state at `now`.

import type { OverrideJson } from '../console/wire.js';
import { phaseAt, type Override } from './types.js';

export function overrideJson(override: Override, now: number): OverrideJson {
  return {
    id: override.id,
    state: phaseAt(override, now),
    capacity: override.capacity ?? {},
    replicas: override.replicas ?? {},
    from: new Date(override.from).toISOString(),
    until: new Date(override.until).toISOString(),
    untilNextWindow: override.untilNextWindow === true,
    reason: override.reason,
    by: override.by,
    createdAt: new Date(override.createdAt).toISOString(),
  };
}
