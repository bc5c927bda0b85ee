// The engine against the reference evaluator written from README alone: generated
// operator-style schedules over a year, compared at every minute boundary near each
// transition and DST change, at random instants, over the whole timeline and through
// `plan --at`. Schedules that once disagreed are kept in test/fixtures/reference/ and
// compared on every run.
//
// SCALERD_REFERENCE_RUNS=500 npx vitest run test/schedule/reference/differential.test.ts
// is the long mode; it prints how many schedules and instants were compared.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWithReference, DAY } from './differential.js';
import { operatorSchedules, YEAR_FROM, YEAR_TO } from './operator-schedules.js';

const FIXTURES = new URL('../../fixtures/reference/', import.meta.url);
const RUNS = Number(process.env.SCALERD_REFERENCE_RUNS ?? 25);

/** Random instants, and three for `plan --at`, from a seed that fast-check shrinks with the schedule. */
const probes = fc.record({
  random: fc.array(fc.integer({ min: YEAR_FROM, max: YEAR_TO - 1 }), { minLength: 40, maxLength: 40 }),
  planAt: fc.array(fc.integer({ min: YEAR_FROM, max: YEAR_TO - 60 * DAY }), { minLength: 3, maxLength: 3 }),
});

describe('the engine equals the reference evaluator (README precedence and DST)', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort()) {
    it(`regression: ${name}`, async () => {
      const { document, planAt } = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { document: Record<string, unknown>; planAt: string[] };
      const result = await compareWithReference(document, YEAR_FROM, YEAR_TO, { random: [], planAt: planAt.map(Date.parse) });
      expect(result.disagreements).toEqual([]);
    });
  }

  it(`generated schedules agree over ${new Date(YEAR_FROM).getUTCFullYear()} (${RUNS} schedules)`, async () => {
    const totals = { schedules: 0, instants: 0, transitions: 0, planCalls: 0 };
    await fc.assert(
      fc.asyncProperty(operatorSchedules, probes, async (document, { random, planAt }) => {
        const result = await compareWithReference(document, YEAR_FROM, YEAR_TO, { random, planAt });
        totals.schedules++;
        totals.instants += result.instants;
        totals.transitions += result.transitions;
        totals.planCalls += result.planCalls;
        expect(result.disagreements.slice(0, 5)).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: RUNS <= 25 },
    );
    console.log(`differential: ${totals.schedules} schedules, ${totals.instants} instants compared with desiredAt, ${totals.transitions} transitions, ${totals.planCalls} plan --at runs`);
  }, Math.max(600_000, RUNS * 5_000)); // the long mode takes its time
});
