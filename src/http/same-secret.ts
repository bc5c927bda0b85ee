// Comparing secrets in time that depends on neither value: the bearer token, the static
// webhook secret, and webhook signatures all go through here.

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` equals `expected`, in time that depends on neither. Both are hashed first,
 * so timingSafeEqual always compares two 32-byte digests: a given value of another length is
 * a mismatch found by the same comparison, not by an early return.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  // Both operands are evaluated: no short circuit on the length.
  return timingSafeEqual(a, b) && given.length === expected.length;
}
