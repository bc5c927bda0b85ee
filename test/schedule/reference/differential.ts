// Compares the engine (desiredAt, timeline, `plan --at`) with the reference evaluator on
// one schedule over a range, and lists every disagreement in words a person can check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/program.js';
import { desiredAt, timeline, type Desired, type Source } from '../../../src/schedule/index.js';
import { scheduleOf } from '../../helpers.js';
import { ReferenceEvaluator, type RefDesired, type RefSource } from './evaluator.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export type Comparison = { instants: number; transitions: number; planCalls: number; disagreements: string[] };

type Options = {
  /** Random instants compared besides those near transitions and DST changes. */
  readonly random: readonly number[];
  /** Instants at which `plan --at -o json` is run in-process. */
  readonly planAt: readonly number[];
};

const iso = (t: number): string => new Date(t).toISOString();

function sourceText(s: Source | RefSource | undefined): string {
  if (!s) return 'missing';
  return s.kind === 'default' ? 'default' : `${s.window} (${s.class})`;
}

function engineText(d: Desired): string {
  const fields = (section: 'capacity' | 'replicas') => Object.keys(d.state[section]).sort()
    .map((k) => `${k}=${d.state[section][k]} from ${sourceText(d.sources[section][k])}`);
  return [...fields('capacity'), ...fields('replicas')].join(', ');
}

function referenceText(d: RefDesired): string {
  const fields = (section: 'capacity' | 'replicas') => Object.keys(d[section]).sort()
    .map((k) => `${k}=${d[section][k]} from ${sourceText(d.sources[section][k])}`);
  return [...fields('capacity'), ...fields('replicas')].join(', ');
}

const valuesOf = (d: { capacity: Record<string, number>; replicas: Record<string, number> }): string =>
  JSON.stringify([Object.entries(d.capacity).sort(), Object.entries(d.replicas).sort()]);

/** Every change of the reference's values in (from, to): the boundaries at which they differ from before. */
function referenceTransitions(ref: ReferenceEvaluator, from: number, to: number): { at: number; values: string }[] {
  const result: { at: number; values: string }[] = [];
  let before = valuesOf(ref.at(from));
  for (const at of ref.boundaries()) {
    if (at <= from || at >= to) continue;
    const now = valuesOf(ref.at(at));
    if (now !== before) result.push({ at, values: now });
    before = now;
  }
  return result;
}

export async function compareWithReference(document: Record<string, unknown>, from: number, to: number, options: Options): Promise<Comparison> {
  const schedule = scheduleOf(document, from);
  const ref = new ReferenceEvaluator(document, from, to);
  const disagreements: string[] = [];

  // The timeline: the same changes at the same instants.
  const engineTimeline = timeline(schedule, from, to);
  const engineChanges = engineTimeline.transitions.map((t) => ({ at: t.at, values: valuesOf(t.desired.state) }));
  const refChanges = referenceTransitions(ref, from, to);
  if (valuesOf(engineTimeline.initial.state) !== valuesOf(ref.at(from))) {
    disagreements.push(`timeline initial at ${iso(from)}: engine ${valuesOf(engineTimeline.initial.state)}, reference ${valuesOf(ref.at(from))}`);
  }
  const length = Math.max(engineChanges.length, refChanges.length);
  for (let i = 0; i < length; i++) {
    const e = engineChanges[i];
    const r = refChanges[i];
    if (e?.at !== r?.at || e?.values !== r?.values) {
      disagreements.push(`timeline change #${i}: engine ${e ? `${iso(e.at)} ${e.values}` : 'none'}, reference ${r ? `${iso(r.at)} ${r.values}` : 'none'}`);
      break; // later changes are shifted by this one: the first says enough
    }
  }

  // desiredAt: every minute boundary within two minutes of a change, a boundary or a DST
  // change (and the millisecond before each), and the random instants.
  const near = new Set<number>();
  for (const t of [...engineChanges.map((c) => c.at), ...refChanges.map((c) => c.at), ...ref.boundaries(), ...ref.offsetChanges()]) {
    for (let k = -2; k <= 2; k++) near.add(t + k * MINUTE);
    near.add(t - 1);
  }
  for (const t of options.random) near.add(t);
  const instants = [...near].filter((t) => t >= from && t < to).sort((a, b) => a - b);
  for (const t of instants) {
    const engine = engineText(desiredAt(schedule, t));
    const reference = referenceText(ref.at(t));
    if (engine !== reference) disagreements.push(`desiredAt ${iso(t)}: engine ${engine}; reference ${reference}`);
  }

  // `plan --at -o json`: the state, its sources and the next change, as a user reads them.
  const dir = mkdtempSync(join(tmpdir(), 'scalerd-differential-'));
  try {
    const file = join(dir, 'schedule.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    for (const at of options.planAt) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['plan', file, '--at', iso(at), '-o', 'json'], { out: (s) => out.push(s), err: (s) => err.push(s), clock: { now: () => from } });
      if (code !== 0) {
        disagreements.push(`plan --at ${iso(at)}: exit ${code}: ${err.join(' ')}`);
        continue;
      }
      const printed = JSON.parse(out.join('\n')) as { state: Desired['state']; sources: Desired['sources']; next: { at: string } | null };
      const planText = engineText({ state: printed.state, sources: printed.sources });
      const reference = referenceText(ref.at(at));
      if (planText !== reference) disagreements.push(`plan --at ${iso(at)}: printed ${planText}; reference ${reference}`);
      const refNext = refChanges.find((c) => c.at > at);
      // The reference knows the range only; plan looks 400 days ahead, so compare within it.
      if (refNext && (printed.next === null || Date.parse(printed.next.at) !== refNext.at)) {
        disagreements.push(`plan --at ${iso(at)}: next change printed ${printed.next?.at ?? 'none'}, reference ${iso(refNext.at)}`);
      }
      if (!refNext && printed.next !== null && Date.parse(printed.next.at) < to) {
        disagreements.push(`plan --at ${iso(at)}: next change printed ${printed.next.at}, reference none before ${iso(to)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { instants: instants.length, transitions: refChanges.length, planCalls: options.planAt.length, disagreements };
}

export { DAY };
