import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/deployer/descriptor/index.js';
import { advance, bakeVerdict, countsOf, NO_COUNTS, startTally } from '../../../src/deployer/engine/bake-verdict.js';
import type { TrafficCounters } from '../../../src/deployer/state/records.js';

const counters = (more: Partial<TrafficCounters> = {}): TrafficCounters => ({ worker: 7, responses: 100, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0, ...more });
const limits = { ...DEFAULTS.bake, durationMs: 10_000 };

describe('counting a bake', () => {
  it('counts from the baseline, not from the worker\'s start', () => {
    const tally = advance(startTally(counters({ responses: 100, http5xx: 3 })), counters({ responses: 150, http5xx: 4, connectionErrors: 2, responseErrors: 1, serverDowns: 1 }));
    expect(countsOf(tally)).toEqual({ responses: 50, http5xx: 1, connectionErrors: 2, responseErrors: 1, serverDowns: 1 });
  });

  it('keeps what an old haproxy worker counted across a reload, and counts the new one from 0', () => {
    let tally = startTally(counters({ responses: 100 }));
    tally = advance(tally, counters({ responses: 140, http5xx: 2 }));
    tally = advance(tally, counters({ worker: 8, responses: 10, http5xx: 1 }));
    tally = advance(tally, counters({ worker: 8, responses: 30, http5xx: 1 }));
    expect(countsOf(tally)).toEqual({ responses: 70, http5xx: 3, connectionErrors: 0, responseErrors: 0, serverDowns: 0 });
  });

  it('takes counters that went back (the same pid reused) as a new worker', () => {
    const tally = advance(advance(startTally(counters({ responses: 100 })), counters({ responses: 120 })), counters({ responses: 5 }));
    expect(countsOf(tally).responses).toBe(25);
  });

  it('counts from 0 when nothing was reported before the switch', () => {
    const tally = advance(startTally({ worker: -1, responses: 0, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0 }), counters({ responses: 12, http5xx: 1 }));
    expect(countsOf(tally)).toMatchObject({ responses: 12, http5xx: 1 });
  });
});

describe('the bake verdict', () => {
  const verdict = (counts: object, more: Partial<Parameters<typeof bakeVerdict>[0]> = {}) =>
    bakeVerdict({ counts: { ...NO_COUNTS, ...counts }, down: [], thresholds: limits, elapsedMs: 1000, reportedSinceEnd: false, ...more });

  it('watches while the time runs and nothing is exceeded', () => {
    expect(verdict({ responses: 500 })).toEqual({ kind: 'watching' });
  });

  it('is clean only once the time is up and lb-sync reported after that', () => {
    expect(verdict({ responses: 500 }, { elapsedMs: 10_000, reportedSinceEnd: false })).toEqual({ kind: 'watching' });
    expect(verdict({ responses: 500 }, { elapsedMs: 10_000, reportedSinceEnd: true })).toEqual({ kind: 'clean' });
  });

  it('breaches at once on 5xx over the share, naming the numbers', () => {
    expect(verdict({ responses: 200, http5xx: 3 })).toEqual({ kind: 'breach', breached: ['3 of 200 responses were 5xx (1.5%, limit 1%)'] });
    expect(verdict({ responses: 200, http5xx: 2 })).toEqual({ kind: 'watching' });
    expect(verdict({ responses: 0, http5xx: 1 })).toMatchObject({ kind: 'breach' });
  });

  it('breaches on connection errors and servers going DOWN, whatever time remains', () => {
    expect(verdict({ responses: 10, connectionErrors: 4, serverDowns: 2 }, { down: ['hello-2-a'] })).toEqual({
      kind: 'breach',
      breached: ['4 failed connections to its servers (limit 0)', 'servers went DOWN 2 times (DOWN now: hello-2-a) (limit 0)'],
    });
    expect(verdict({ responses: 10, serverDowns: 1 })).toEqual({ kind: 'breach', breached: ['servers went DOWN once (limit 0)'] });
    expect(verdict({ responses: 10 }, { down: ['hello-2-a'] })).toMatchObject({ kind: 'breach' });
    expect(verdict({ responses: 10, connectionErrors: 4 }, { thresholds: { ...limits, maxConnectionErrors: 4 } })).toEqual({ kind: 'watching' });
  });
});
