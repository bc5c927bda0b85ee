// Where the chaos test kills the engine, and where a kill actually landed.
//
// A purely timed kill lands mostly in the long waits (settle, budget back-off) and almost
// never in the few milliseconds between a TerminateInstanceInAutoScalingGroup and the Node
// delete, which are the kill points a crash-safe design has to get right. So a kill is
// either timed (a seeded delay after the run starts) or armed on the engine's own n-th act
// of a kind as the simulator records it (a mark, an eviction, a phase written, a
// termination, a Node deleted), then fired at once — inside the request, so the engine
// never sees the answer — or after a short seeded delay. An armed kill also has a seeded
// backstop after the run's first act, so a run whose armed act never comes is still
// killed, and no run gets far: 30+ kills must fit into one scale-down. Where a kill landed
// is read from the world, not assumed from its trigger.

import { CLI_CLIENT_ID } from '../../../src/cli/engine-options.js';
import { SCALE_DOWN_ANNOTATION, SCALE_DOWN_TAINT } from '../../../src/plan/index.js';
import type { Fact } from '../../../src/sim/recorder.js';
import type { Sim } from '../../../src/sim/index.js';
import { ENGINE_ACCESS_KEY } from './world.js';

/** What the engine did, as the simulator saw it. */
export type Act = 'mark' | 'draining' | 'drained' | 'terminating' | 'rollback' | 'evict' | 'evict-refused' | 'terminate' | 'delete-node' | `other ${string}`;

export type Trigger =
  /** `afterMs` after the run starts: its observation and plan, sometimes its first acts. */
  | { readonly kind: 'timed'; readonly afterMs: number }
  /** `thenMs` after the run's nth act of one of `acts` (of any kind: 'any'); at the latest `backstopMs` after its first act. */
  | { readonly kind: 'on'; readonly acts: readonly Act[] | 'any'; readonly nth: number; readonly thenMs: number; readonly backstopMs: number };

/**
 * Where the scale-down is as a run starts: nothing marked or gone yet; victims still to
 * choose (fewer than the scale-down's count marked or gone); or only finishing them.
 */
export type Stage = 'untouched' | 'choosing' | 'removing';

const uniform = (random: () => number, lo: number, hi: number) => Math.round(lo + random() * (hi - lo));

/**
 * How the scale-down stands against the kills: behind or level with them (`free`), ahead
 * (more nodes past the point of no return than the kills so far would let 30 fit), or with
 * the last four nodes to go (`end`).
 */
export type Pace = 'free' | 'ahead' | 'end';

/**
 * A seeded kill for a run starting at `stage`, after the kills `before`. Some kill points
 * come around once or rarely by chance (the first victims are chosen in one run; a node
 * reaches its termination only once drained), so while one has no kill yet, it is armed
 * whatever the pace, in this order: before the first mark, inside a mark, before a resumed
 * run acts, at an eviction, at a termination, at a Node delete. The coverage check of the
 * test then holds on every run, not by chance; the random kills come after.
 */
export function chooseTrigger(random: () => number, stage: Stage, before: readonly KillPoint[], pace: Pace): Trigger {
  const landed = (...acts: (Act | 'none')[]) => before.some((k) => acts.includes(k.lastAct) && k.stage !== 'untouched');
  // Half the armed kills fire inside the request (the engine never learns its outcome).
  const then = (max: number) => (random() < 0.5 ? 0 : uniform(random, 0, max));
  const on = (acts: Act | readonly Act[], maxNth: number, thenMs: number, patience = 1_000): Trigger =>
    ({ kind: 'on', acts: typeof acts === 'string' ? [acts] : acts, nth: uniform(random, 1, maxNth), thenMs, backstopMs: thenMs + uniform(random, 100, patience) });
  // Inside one of the first marks of the run (the others may be in flight): the drain
  // starts at once after the marks (the settle only holds back the drained verdict), so
  // any delay lands among the first phase writes instead, which other kills cover.
  const justMarked = (): Trigger => on('mark', 4, 0);
  const marking = (): Trigger => (random() < 0.6 ? justMarked() : on('mark', 1, uniform(random, 100, 1_900)));
  // A node reaches these only once drained, so they are worth waiting longer for. Both
  // fire inside the request: the phase is written (or AWS has accepted the termination,
  // with its decrement) and the engine dies before it hears so; the Node delete comes
  // within milliseconds of the termination, so any delay would miss the window.
  const termination = (): Trigger => on(random() < 0.5 ? 'terminating' : 'terminate', 2, 0, 2_500);
  // A kill point that must land is armed on the first such act however long it takes to
  // come: a node is drained only after one budgeted eviction per replacement's start-up
  // (4 s each, longer on a loaded machine), so any backstop short enough to matter would
  // kill the run elsewhere. The wait is not lost: it is the scale-down's own.
  const patiently = (...acts: Act[]): Trigger => ({ kind: 'on', acts, nth: 1, thenMs: 0, backstopMs: 90_000 });

  if (stage === 'untouched') {
    if (!before.some((k) => k.stage === 'untouched' && k.lastAct === 'none')) return { kind: 'timed', afterMs: uniform(random, 0, 150) };
    if (!before.some((k) => k.lastAct === 'mark')) return justMarked();
  } else {
    if (stage === 'choosing' && !before.some((k) => k.lastAct === 'mark')) return justMarked();
    // A parked process observes and plans for tens of milliseconds before its first act.
    if (!landed('none')) return { kind: 'timed', afterMs: 0 };
    if (!landed('evict', 'evict-refused')) return patiently('evict', 'evict-refused');
    if (!landed('terminating', 'terminate')) return patiently('terminating', 'terminate');
    if (!landed('delete-node')) return patiently('delete-node');
  }
  if (pace !== 'free') return barelyActing(random, pace === 'end');
  if (stage === 'untouched' || (stage === 'choosing' && random() < 0.3)) return marking();
  const r = random();
  if (r < 0.15) return { kind: 'timed', afterMs: uniform(random, 0, 400) };
  if (r < 0.4) return on('evict', 3, then(300));
  if (r < 0.5) return on(random() < 0.5 ? 'draining' : 'drained', 3, then(100));
  if (r < 0.9) return termination();
  return on('delete-node', 2, then(200));
}

/**
 * A kill that lets the run make next to no progress: before it acts, or inside its first
 * act. With the last nodes to go, only before it acts: their first acts (a termination, a
 * Node delete) are the ones that finish them.
 */
function barelyActing(random: () => number, nearTheEnd: boolean): Trigger {
  if (nearTheEnd || random() < 0.5) return { kind: 'timed', afterMs: uniform(random, 0, nearTheEnd ? 150 : 300) };
  return { kind: 'on', acts: 'any', nth: 1, thenMs: 0, backstopMs: 0 };
}

export const describeTrigger = (t: Trigger): string =>
  t.kind === 'timed' ? `timed ${t.afterMs} ms` : `on ${t.acts === 'any' ? 'any' : t.acts.join('|')} #${t.nth}${t.thenMs ? ` +${t.thenMs} ms` : ''}`;

/** Where one kill landed: the run's last act before it, and the marked nodes' phases then. */
export type KillPoint = {
  readonly trigger: string;
  readonly stage: Stage;
  readonly lastAct: Act | 'none';
  /** Real ms from the run's last act (or from its start) to the kill. */
  readonly sinceMs: number;
  readonly acts: number;
  readonly phases: Record<string, number>;
  readonly nodes: number;
};

/** The engine's acts as the simulator records them, per run, told to a listener as they come. */
export class ActWatch {
  #acts: { act: Act; at: number }[] = [];
  #startedAt = performance.now();
  #listener: ((act: Act) => void) | undefined;
  readonly #unsubscribe: () => void;

  constructor(private readonly sim: Sim) {
    this.#unsubscribe = sim.recorder.subscribe((fact) => this.#seen(fact));
  }

  /** A new run: its acts start from none; `listener` hears each (synchronously, inside the request). */
  reset(listener?: (act: Act) => void): void {
    this.#acts = [];
    this.#listener = listener;
    this.#startedAt = performance.now();
  }

  /** The kill point now, read synchronously from the simulator's store. */
  point(trigger: string, stage: Stage): KillPoint {
    const last = this.#acts[this.#acts.length - 1];
    const nodes = this.sim.store.list('nodes');
    const phases: Record<string, number> = {};
    for (const node of nodes) {
      const phase = markPhase(node.metadata.annotations?.[SCALE_DOWN_ANNOTATION], hasTaint(node.spec));
      if (phase) phases[phase] = (phases[phase] ?? 0) + 1;
    }
    return {
      trigger,
      stage,
      lastAct: last?.act ?? 'none',
      sinceMs: Math.round(performance.now() - (last?.at ?? this.#startedAt)),
      acts: this.#acts.length,
      phases,
      nodes: nodes.length,
    };
  }

  /** How far the scale-down got: Nodes left, of them marked, and of those past the point of no return. */
  progress(): { nodes: number; marked: number; terminating: number } {
    const phases = this.sim.store.list('nodes').map((n) => markPhase(n.metadata.annotations?.[SCALE_DOWN_ANNOTATION], hasTaint(n.spec)));
    return { nodes: phases.length, marked: phases.filter((p) => p !== undefined).length, terminating: phases.filter((p) => p === 'terminating').length };
  }

  stop(): void {
    this.#unsubscribe();
  }

  #seen(fact: Fact): void {
    const act = this.#actOf(fact);
    if (!act) return;
    this.#acts.push({ act, at: performance.now() });
    this.#listener?.(act);
  }

  #actOf(fact: Fact): Act | undefined {
    if (fact.kind === 'eviction' && fact.client === CLI_CLIENT_ID) return fact.result === 'accepted' ? 'evict' : 'evict-refused';
    if (fact.kind !== 'mutation' || (fact.client !== CLI_CLIENT_ID && fact.client !== ENGINE_ACCESS_KEY)) return undefined;
    if (fact.operation === 'TerminateInstanceInAutoScalingGroup') return 'terminate';
    if (fact.operation === 'delete nodes') return 'delete-node';
    if (fact.operation === 'patch nodes') {
      // Recorded after the write: the store holds the node as the patch left it.
      const node = this.sim.store.get('nodes', undefined, fact.target);
      const phase = markPhase(node?.metadata.annotations?.[SCALE_DOWN_ANNOTATION], hasTaint(node?.spec));
      if (phase === undefined) return 'rollback';
      if (phase === 'cordoned') return 'mark';
      return phase === 'draining' || phase === 'drained' || phase === 'terminating' ? phase : `other patch to ${phase}`;
    }
    return `other ${fact.operation}`;
  }
}

function hasTaint(spec: unknown): boolean {
  const taints = (spec as { taints?: { key?: string }[] } | undefined)?.taints ?? [];
  return taints.some((t) => t.key === SCALE_DOWN_TAINT);
}

/** The phase a node's scalerd annotation names ('damaged' if unreadable; undefined if unmarked). */
function markPhase(annotation: string | undefined, tainted: boolean): string | undefined {
  if (annotation === undefined) return tainted ? 'damaged' : undefined;
  try {
    return String((JSON.parse(annotation) as { phase?: unknown }).phase);
  } catch {
    return 'damaged';
  }
}
