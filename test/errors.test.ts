import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES, ScalerdError, UsageError, isScalerdError, isUsageError } from '../src/errors.js';

describe('the error catalogue', () => {
  const docs = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...docs.matchAll(/^\| `(SCALERD_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);

  it('docs/errors.md lists exactly the codes of src/errors.ts, with the same meaning', () => {
    expect(Object.fromEntries(documented)).toEqual(CODES);
  });

  it('codes follow SCALERD_(ERR|WARN)_<AREA>_<PROBLEM>', () => {
    for (const code of Object.keys(CODES)) expect(code).toMatch(/^SCALERD_(ERR|WARN)_[A-Z]+_[A-Z_]+$/);
  });

  it('guards tell the families apart', () => {
    const usage = new UsageError('SCALERD_ERR_CLI_USAGE', 'x');
    expect(isScalerdError(usage) && isUsageError(usage)).toBe(true);
    expect(isUsageError(new ScalerdError('SCALERD_ERR_SCHEDULE_READ', 'x'))).toBe(false);
    expect(isScalerdError(new Error('x'))).toBe(false);
    expect(usage.name).toBe('UsageError');
  });
});
