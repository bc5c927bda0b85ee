// Names users choose are keys like any other, whatever they are: a node group named
// "constructor" or "toString" once validated and then planned to NaN, because a plain
// object answered the missing key from Object.prototype.
import { describe, expect, it } from 'vitest';
import { applyOverrides, parseEntry } from '../../src/overrides/index.js';
import { plan } from '../../src/plan/index.js';
import { checkScheduleText, desiredAt, timeline } from '../../src/schedule/index.js';
import { checkValues } from '../../src/overrides/draft.js';
import { doc, scheduleOf, utc } from '../helpers.js';

/** Every name Object.prototype answers, and __proto__, which an assignment would not store. */
const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), '__proto__'];
/** Those a node-group name may be (letters, digits, '.', '_', '-', not starting with '_'). */
const GROUP_NAMES = PROTOTYPE_NAMES.filter((name) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name));

const MONDAY_NOON = utc('2026-11-23T11:00Z');
const MONDAY_NIGHT = utc('2026-11-23T22:00Z');

function scheduleWith(group: string) {
  return scheduleOf(doc({
    dateLists: { constructor: ['2026-12-25'] },
    nodeGroups: { workers: { min: 0, max: 100 }, [group]: { min: 1, max: 50 } },
    workloads: { 'constructor/tostring': { min: 0, max: 9 } },
    default: { capacity: { workers: 10, [group]: 7 }, replicas: { 'constructor/tostring': 3 } },
    windows: [
      // A window that does not set the group: the group keeps its default there.
      { name: 'constructor', weekly: { days: 'Mon-Sun', from: '20:00', to: '07:00' }, capacity: { workers: 4 }, alsoOn: ['constructor'] },
      { name: 'valueof', weekly: { days: 'Mon-Fri', from: '09:00', to: '17:00' }, capacity: { [group]: 12 }, replicas: { 'constructor/tostring': 5 } },
    ],
  }), MONDAY_NOON);
}

describe('prototype names as node groups, date lists, windows and workloads', () => {
  it.each(GROUP_NAMES)('a node group named %s validates, evaluates and plans to numbers', (group) => {
    const schedule = scheduleWith(group);
    expect(desiredAt(schedule, MONDAY_NOON).state).toEqual({ capacity: { workers: 10, [group]: 12 }, replicas: { 'constructor/tostring': 5 } });
    expect(desiredAt(schedule, MONDAY_NIGHT).state).toEqual({ capacity: { workers: 4, [group]: 7 }, replicas: { 'constructor/tostring': 3 } });
    const changes = timeline(schedule, MONDAY_NOON, MONDAY_NOON + 86_400_000).transitions.flatMap((t) => t.changes);
    expect(changes.every((c) => Number.isInteger(c.from) && Number.isInteger(c.to))).toBe(true);
    expect(changes).toContainEqual({ section: 'capacity', key: group, from: 12, to: 7 });

    // An override for it applies; one for a group the schedule lacks is reported, not lost.
    const now = MONDAY_NOON;
    const entry = parseEntry('k1', JSON.stringify({ capacity: { [group]: 20, ['__proto__']: 3 }, from: new Date(now - 1).toISOString(), until: new Date(now + 3_600_000).toISOString(), reason: 'r', by: 'b', createdAt: new Date(now - 1).toISOString() }));
    if ('code' in entry) throw new Error(entry.message);
    const applied = applyOverrides(schedule, desiredAt(schedule, now), [entry], now);
    expect(applied.state.capacity).toEqual({ workers: 10, [group]: 20 });
    expect(applied.ignored.map((i) => i.key)).toEqual(['__proto__']);

    // The planner sees a number for it: with no Auto Scaling group observed, it says so.
    const result = plan({ observation: { groups: [], nodes: [], pods: [], workloads: [], pdbs: [] } as never, schedule, desired: applied.state, now });
    expect(JSON.stringify(result)).not.toMatch(/NaN|null/);

    // On the command line, `--group constructor=5` is one value, not "given twice".
    expect(checkValues(schedule, 'f.json', [{ key: group, value: 5, text: `${group}=5` }], []).capacity).toEqual({ [group]: 5 });
  });

  it.each(PROTOTYPE_NAMES.filter((name) => !GROUP_NAMES.includes(name)))('%s is refused as a node-group name, with the rule it breaks', (name) => {
    const result = checkScheduleText(JSON.stringify(doc({ nodeGroups: { [name]: { min: 0, max: 1 } }, default: { capacity: { [name]: 0 }, replicas: { 'shop/web': 1 } } })), { file: 'f.json', now: MONDAY_NOON });
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ code: 'SCALERD_ERR_SCHEDULE_SCHEMA', message: expect.stringContaining(`invalid name "${name}"`) });
  });

  it('a missing default for a group named constructor is reported, not found on Object.prototype', () => {
    const result = checkScheduleText(JSON.stringify(doc({ nodeGroups: { workers: { min: 0, max: 99 }, constructor: { min: 0, max: 9 } } })), { file: 'f.json', now: MONDAY_NOON });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'SCALERD_ERR_SCHEDULE_DEFAULT_MISSING', message: 'no default capacity for node group "constructor"' })]);
  });
});
