// Counts have documented upper bounds: `max: 1e308` once validated and planned 1e+308.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkScheduleText } from '../../src/schedule/index.js';
import { compileSchedule } from '../../src/schedule/compile.js';
import { MAX_NODES, MAX_REPLICAS } from '../../src/schedule/limits.js';
import { doc, scheduleOf, utc } from '../helpers.js';

const check = (document: Record<string, unknown>) => checkScheduleText(JSON.stringify(document), { file: 'f.json', now: utc('2026-01-01T00:00Z') });

describe('upper bounds of counts', () => {
  it('the schema says what the code says', () => {
    const defs = (JSON.parse(readFileSync(new URL('../../schedules/schedule.schema.json', import.meta.url), 'utf8')) as { $defs: Record<string, { maximum: number }> }).$defs;
    expect([defs.nodeCount!.maximum, defs.replicaCount!.maximum]).toEqual([MAX_NODES, MAX_REPLICAS]);
  });

  it.each([
    ['a node group max of 1e308', { nodeGroups: { workers: { min: 0, max: 1e308 } } }, '/nodeGroups/workers/max', 'from 0 to 10000'],
    ['a capacity of 10001', { default: { capacity: { workers: 10_001 }, replicas: { 'shop/web': 5 } } }, '/default/capacity/workers', 'from 0 to 10000'],
    ['replicas of 150001', { default: { capacity: { workers: 1 }, replicas: { 'shop/web': 150_001 } } }, '/default/replicas/shop~1web', 'from 0 to 150000'],
    ['a priority of 1e308', { windows: [{ name: 'w', priority: 1e308, weekly: { days: 'Mon', from: '01:00', to: '02:00' }, capacity: { workers: 1 } }] }, '/windows/0/priority', 'from -1000000 to 1000000'],
  ])('%s is refused where it is written', (_, overrides, pointer, says) => {
    const result = check(doc(overrides));
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'SCALERD_ERR_SCHEDULE_SCHEMA', pointer, message: expect.stringContaining(says) }));
  });

  it('a workload without max is limited to 150000 replicas, and says so', () => {
    const schedule = scheduleOf(doc());
    expect(schedule.workloads[0]).toMatchObject({ min: 0, max: MAX_REPLICAS });
  });
});

describe('the cost of a schedule', () => {
  const cron = (name: string, start: string, duration: string) => ({ name, cron: { start, duration }, capacity: { workers: 2 } });

  it('a cron every 5 minutes lasting 31 days counts 288 × 31, and two are refused, naming them', () => {
    expect(check(doc({ windows: [cron('one', '*/5 * * * *', '31d')] })).ok).toBe(true);
    const result = check(doc({ windows: [cron('one', '*/5 * * * *', '31d'), cron('two', '*/5 * * * *', '31d')] }));
    expect(result).toMatchObject({ ok: false, diagnostics: [{ code: 'SCALERD_ERR_SCHEDULE_TOO_COMPLEX', pointer: '/windows', message: expect.stringContaining('17856 times in one day, above the limit of 10000; the largest: "one" 8928 (288 starts a day × 31 days), "two" 8928') }] });
  });

  it('10,000 weekly or absolute windows are within the limit', () => {
    const windows = Array.from({ length: 10_000 }, (_, i) => ({ name: `w${i}`, weekly: { days: 'Mon', from: '01:00', to: '02:00' }, capacity: { workers: 1 } }));
    expect(compileSchedule(doc({ windows }) as never).ok).toBe(true);
    expect(compileSchedule(doc({ windows: [...windows, { name: 'x', weekly: { days: 'Mon', from: '01:00', to: '02:00' }, capacity: { workers: 1 } }] }) as never)).toMatchObject({ ok: false, problems: [{ code: 'SCALERD_ERR_SCHEDULE_TOO_COMPLEX' }] });
  });
});
