// The manifest hash an idempotent create compares: SHA-256 of the object's canonical JSON
// (keys sorted), so the same manifest hashes the same whatever order its fields came in.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../../json/canonical.js';

export function manifestHash(manifest: unknown): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}
