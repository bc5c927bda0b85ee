// Checking schedules on a worker thread held to limits: what does not fit is refused as
// SCALERD_ERR_SCHEDULE_TOO_COMPLEX, and the next check gets a fresh thread.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleChecker } from '../../src/daemon/schedule-check.js';
import { checkScheduleText, desiredAt } from '../../src/schedule/index.js';

const EXAMPLE = readFileSync('schedules/example.json', 'utf8');
const NOW = Date.parse('2026-11-25T23:00:00Z');

/** Many weekly windows at distinct times: costly to check (a year of warnings), cheap to write. */
function heavy(windows: number): string {
  const doc = JSON.parse(EXAMPLE) as Record<string, unknown>;
  doc.windows = Array.from({ length: windows }, (_, i) => ({
    name: `w${i}`, weekly: { days: 'Mon-Sun', from: `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, to: '07:00' }, capacity: { workers: 5 },
  }));
  return JSON.stringify(doc);
}

let checker: ScheduleChecker | undefined;
afterEach(async () => checker?.close());

describe('ScheduleChecker', () => {
  it('gives the schedule, its warnings and its next change as checking on this thread would', async () => {
    checker = new ScheduleChecker();
    const checked = await checker.check(EXAMPLE, 'example.json', NOW);
    const local = checkScheduleText(EXAMPLE, { file: 'example.json', now: NOW });
    if (!checked.ok || !local.ok) throw new Error('the example must check');
    expect(desiredAt(checked.schedule, NOW)).toEqual(desiredAt(local.schedule, NOW));
    expect(checked.warnings).toEqual(local.diagnostics);
    expect(checked.next).toMatchObject({ at: '2026-11-26T06:00:00Z' });
    expect(await checker.next(EXAMPLE, 'example.json', Date.parse('2026-11-26T06:30:00Z'))).toMatchObject({ at: '2026-11-26T19:00:00Z' });
  });

  it('returns the diagnostics of a schedule that does not check', async () => {
    checker = new ScheduleChecker();
    expect(await checker.check('{"version": 1', 'bad.json', NOW)).toMatchObject({ ok: false, diagnostics: [{ code: 'SCALERD_ERR_SCHEDULE_JSON', file: 'bad.json' }] });
  });

  it('refuses a check that needs more memory than allowed, then checks the next on a fresh thread', async () => {
    checker = new ScheduleChecker({ memoryMb: 48 });
    expect(await checker.check(heavy(9_000), 'heavy.json', NOW)).toMatchObject({
      ok: false, diagnostics: [{ code: 'SCALERD_ERR_SCHEDULE_TOO_COMPLEX', message: expect.stringContaining('checking needed more than 48 MB') }],
    });
    expect(await checker.check(EXAMPLE, 'example.json', NOW)).toMatchObject({ ok: true });
  });

  it('refuses a check that takes longer than allowed, then checks the next on a fresh thread', async () => {
    checker = new ScheduleChecker({ timeoutMs: 50 });
    expect(await checker.check(heavy(9_000), 'heavy.json', NOW)).toMatchObject({
      ok: false, diagnostics: [{ code: 'SCALERD_ERR_SCHEDULE_TOO_COMPLEX', message: expect.stringContaining('checking took longer than 0 s') }],
    });
    checker = new ScheduleChecker({ timeoutMs: 120_000 });
    expect(await checker.check(EXAMPLE, 'example.json', NOW)).toMatchObject({ ok: true });
  });
});
