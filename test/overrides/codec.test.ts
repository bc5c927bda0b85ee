// The ConfigMap form of overrides: one key per override, a line of JSON each. People edit
// it by hand, so every bad entry is reported (key, field, fix) and skipped; never a throw.

import { describe, expect, it } from 'vitest';
import { formatEntry, parseEntries, parseEntry, type Override } from '../../src/overrides/index.js';
import { utc } from '../helpers.js';

const good: Override = {
  id: 'k3x9qa',
  capacity: { workers: 12 },
  replicas: { 'shop/web': 8 },
  from: utc('2026-11-25T11:00Z'),
  until: utc('2026-11-25T14:00Z'),
  untilNextWindow: true,
  reason: 'load test',
  by: 'alice (kube user admin)',
  createdAt: utc('2026-11-25T11:00Z'),
};

describe('the ConfigMap entry of an override', () => {
  it('is one line of JSON with ISO instants, and reads back as it was', () => {
    const text = formatEntry(good);
    expect(text).toBe('{"capacity":{"workers":12},"replicas":{"shop/web":8},"from":"2026-11-25T11:00:00.000Z","until":"2026-11-25T14:00:00.000Z","untilNextWindow":true,"reason":"load test","by":"alice (kube user admin)","createdAt":"2026-11-25T11:00:00.000Z"}');
    expect(parseEntry('k3x9qa', text)).toEqual(good);
  });

  it('leaves out what is not set', () => {
    const { replicas: _, untilNextWindow: __, ...capacityOnly } = good;
    const text = formatEntry(capacityOnly);
    expect(JSON.parse(text)).not.toHaveProperty('replicas');
    expect(JSON.parse(text)).not.toHaveProperty('untilNextWindow');
    expect(parseEntry('k3x9qa', text)).toEqual(capacityOnly);
  });

  it('accepts a hand-written entry with offsets and no milliseconds', () => {
    const parsed = parseEntry('by-hand', '{"capacity":{"workers":20},"from":"2026-11-25T12:00+01:00","until":"2026-11-25T18:00+01:00","reason":"sale","by":"bob","createdAt":"2026-11-25T11:00Z"}');
    expect(parsed).toMatchObject({ id: 'by-hand', from: utc('2026-11-25T11:00Z'), until: utc('2026-11-25T17:00Z') });
  });
});

describe('malformed entries', () => {
  const value = (fields: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(formatEntry(good)), ...fields });
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"capacity": {"workers": 12}', /the value is not JSON/],
    ['not an object', '[1, 2]', /the value is not a JSON object/],
    ['an unknown property', value({ capcity: { workers: 3 } }), /\/capcity: unknown property/],
    ['a fractional count', value({ capacity: { workers: 12.5 } }), /\/capacity\/workers: 12.5 is not a whole number of 0 or more/],
    ['a negative count', value({ replicas: { 'shop/web': -1 } }), /\/replicas\/shop\/web: -1 is not a whole number/],
    ['a workload that is not namespace/name', value({ replicas: { web: 3 } }), /\/replicas\/web: the key is not a workload as namespace\/name/],
    ['nothing set', value({ capacity: {}, replicas: {} }), /sets nothing/],
    ['an end before its start', value({ until: '2026-11-25T10:00:00Z' }), /\/until: 2026-11-25T10:00:00Z is not after \/from/],
    ['an instant without an offset', value({ until: '2026-11-25T14:00' }), /\/until: "2026-11-25T14:00" is not an instant with an offset/],
    ['a missing reason', value({ reason: '' }), /\/reason: missing or empty/],
    ['a missing createdAt', JSON.stringify({ capacity: { workers: 1 }, from: '2026-11-25T11:00Z', until: '2026-11-25T12:00Z', reason: 'r', by: 'b' }), /\/createdAt: missing/],
    ['untilNextWindow not a boolean', value({ untilNextWindow: 'yes' }), /\/untilNextWindow: must be true or false/],
    ['a value above 1 MiB', value({ reason: 'x'.repeat(1024 * 1024) }), /the value is larger than 1048576 bytes \(1 MiB\)/],
    ['100,000 levels of nesting', formatEntry(good).replace(/"reason":"[^"]*"/, `"reason":${'['.repeat(100_000)}${']'.repeat(100_000)}`), /\/reason: missing or empty/],
  ];
  for (const [what, text, message] of cases) {
    it(`reports ${what}, naming the key and how to fix or remove it`, () => {
      const parsed = parseEntry('bad1', text);
      expect(parsed).toMatchObject({ code: 'SCALERD_ERR_OVERRIDE_ENTRY', key: 'bad1' });
      const problem = parsed as { message: string };
      expect(problem.message).toMatch(message);
      expect(problem.message).toMatch(/^overrides entry "bad1": /);
      expect(problem.message).toContain('the entry is skipped (fix it with kubectl edit, or remove it with "scalerd override clear bad1")');
    });
  }

  it('are skipped one by one: the good entries of the same ConfigMap still count', () => {
    const set = parseEntries({ zz: 'oops', k3x9qa: formatEntry(good), aa: value({ capacity: { workers: 'many' } }) });
    expect(set.overrides).toEqual([good]);
    expect(set.problems.map((p) => p.key)).toEqual(['aa', 'zz']);
  });

  it('an absent ConfigMap holds nothing', () => {
    expect(parseEntries(undefined)).toEqual({ overrides: [], problems: [] });
  });
});
