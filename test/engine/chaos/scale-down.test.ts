// Chaos acceptance test of the engine: `scalerd scale` (the built CLI, one real process per
// run) is SIGKILLed at 30+ seeded points of a 20 → 10 scale-down — before it changes
// anything, mid-marking, in the settle, mid-eviction, with a phase just written, between
// TerminateInstanceInAutoScalingGroup and the Node delete — and restarted each time. The
// engine keeps no state but its marks on the nodes, so whatever a kill leaves must be
// resumed or rolled back by the next process. Afterwards, left alone, it must converge to
// the same result as an undisturbed run: 10 nodes, zero budget violations, zero pods
// killed, zero instances terminated with pods on them, and no node left marked or cordoned.
//
// The seed picks the kill points; it is new on every run (more of the space is explored
// over time) and printed, and SCALERD_CHAOS_SEED=<seed> repeats a plan. The timing of the
// processes is real, so a seed repeats the plan, not the exact interleaving.

import { afterEach, describe, expect, it } from 'vitest';
import { CLI_CLIENT_ID } from '../../../src/cli/engine-options.js';
import { readMark } from '../../../src/plan/index.js';
import { seeded } from '../../seeded.js';
import { ActWatch, type KillPoint } from './kill-points.js';
import { killRepeatedly, runToConvergence } from './runs.js';
import { sizes } from '../scenarios/helpers.js';
import { type ChaosWorld, startChaosWorld } from './world.js';

const SCALE = { from: 20, to: 10 };
const KILLS = 30;

const seed = process.env.SCALERD_CHAOS_SEED ? Number(process.env.SCALERD_CHAOS_SEED) : Date.now() % 1_000_000_007;

/**
 * Where kills landed, by the run's last act before it ("none": before it changed anything;
 * "untouched": nothing was marked or gone yet).
 */
function distribution(kills: readonly KillPoint[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of kills) {
    const key = k.stage === 'untouched' && k.lastAct === 'none' ? 'none, untouched' : k.lastAct;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('chaos: the engine process SIGKILLed at random points of a 20 → 10 scale-down', () => {
  let world: ChaosWorld | undefined;
  let watch: ActWatch | undefined;
  afterEach(async () => {
    watch?.stop();
    await world?.stop();
  });

  it(`converges to 10 nodes with zero violations after ${KILLS}+ kills`, async () => {
    expect(Number.isSafeInteger(seed), `SCALERD_CHAOS_SEED=${process.env.SCALERD_CHAOS_SEED} is not an integer`).toBe(true);
    console.log(`chaos seed ${seed}: SCALERD_CHAOS_SEED=${seed} repeats this kill plan`);
    world = await startChaosWorld(SCALE.to);
    watch = new ActWatch(world.sim);
    const started = performance.now();

    const log = await killRepeatedly(world, watch, seeded(seed), SCALE, KILLS);
    const killedAt = performance.now();
    const runs = await runToConvergence(world, 5, 60_000);
    const byAct = distribution(log.kills);
    console.log([
      `chaos seed ${seed}: ${log.kills.length} kills in ${((killedAt - started) / 1000).toFixed(1)} s, ${log.finished.length} runs ended before their kill; converged in ${runs.length} more runs (${((performance.now() - killedAt) / 1000).toFixed(1)} s)`,
      `kills by the run's last act: ${JSON.stringify(byAct)}`,
      ...log.kills.map((k, i) => `  kill ${i + 1} (${k.stage}): after ${k.lastAct} (+${k.sinceMs} ms, ${k.acts} acts in the run), ${k.nodes} nodes, marked ${JSON.stringify(k.phases)} — ${k.trigger}`),
      ...log.finished.map((f) => `  ended by itself: ${f}`),
      ...runs.map((r, i) => `  final run ${i + 1}: exit ${r.code}, ${r.outcome}: ${r.steps.join(',') || 'no steps'} — ${r.message}`),
    ].join('\n'));

    // The outcome first: a broken engine may well also end the scale-down early.
    expect(await sizes(world)).toEqual({ desired: SCALE.to, inService: SCALE.to, nodes: SCALE.to });
    const { recorder } = world.sim;
    expect(recorder.facts('pdb-violation')).toEqual([]);
    expect(recorder.facts('pod-killed')).toEqual([]);
    expect(recorder.facts('instance-terminated').filter((t) => t.podsOnNode > 0)).toEqual([]);
    expect(recorder.facts('instance-terminated')).toHaveLength(SCALE.from - SCALE.to);
    const nodes = await world.cluster.listNodes();
    expect(nodes.filter((n) => readMark(n, 'scalerd').kind !== 'none').map((n) => n.name)).toEqual([]);
    const cordonedByScalerd = new Set(recorder.facts('cordon').filter((c) => c.client === CLI_CLIENT_ID && c.unschedulable).map((c) => c.node));
    expect(cordonedByScalerd.size, 'the engine cordoned nodes').toBeGreaterThanOrEqual(SCALE.from - SCALE.to);
    expect(nodes.filter((n) => n.unschedulable && cordonedByScalerd.has(n.name)).map((n) => n.name)).toEqual([]);

    // Not vacuous: every kill cut a running engine short while the scale-down was under
    // way, and the kills landed in every stage of it.
    expect(log.kills.length, 'kills before the scale-down ended').toBeGreaterThanOrEqual(KILLS);
    expect(byAct['none, untouched'] ?? 0, 'kills before the first mark').toBeGreaterThan(0);
    expect(byAct.none ?? 0, 'kills of a resumed run before it changed anything').toBeGreaterThan(0);
    expect(byAct.mark ?? 0, 'kills mid-marking').toBeGreaterThan(0);
    expect((byAct.evict ?? 0) + (byAct['evict-refused'] ?? 0), 'kills mid-eviction').toBeGreaterThan(0);
    expect((byAct.terminating ?? 0) + (byAct.terminate ?? 0), 'kills around a termination').toBeGreaterThan(0);
    expect(byAct['delete-node'] ?? 0, 'kills at a Node delete').toBeGreaterThan(0);
    expect(Object.keys(byAct).length).toBeGreaterThanOrEqual(6);
  }, 150_000);
});
