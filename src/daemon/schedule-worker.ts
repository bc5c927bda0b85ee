// The worker thread that checks schedules for the daemon (schedule-check.ts): checking an
// untrusted document (parsing, the schema, compiling, the warnings over a year) and
// looking far ahead for the next change take time and memory that grow with the document,
// and must never hold up the daemon's thread, which renews the Lease and answers /healthz.

import { parentPort } from 'node:worker_threads';
import { checkScheduleText, type Diagnostic, type Schedule } from '../schedule/index.js';
import { scheduleToData, windowToData, type ScheduleData, type WindowData } from '../schedule/transfer.js';
import { evaluate, type Evaluation } from './evaluation.js';
import { nextTransition, type NextTransition } from './status.js';

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'check' | 'next'; readonly text: string; readonly file: string; readonly now: number }
  /** The daemon's thread took in a part of the windows, and served what waited meanwhile: the next part may come. */
  | { readonly id: number; readonly kind: 'ack' };

/** Windows per message: each part is taken in by the daemon's thread in a task of its own. */
export const WINDOWS_PER_PART = 500;

export type WorkerReply =
  /** Part of a checked schedule's windows, ahead of the reply that ends the request. */
  | { readonly id: number; readonly windows: readonly WindowData[] }
  | { readonly id: number; readonly ok: true; readonly schedule?: ScheduleData; readonly evaluation?: Evaluation; readonly warnings: readonly Diagnostic[]; readonly next: NextTransition | null }
  | { readonly id: number; readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** The last schedule that checked, by its text: asking for its next change needs no second check. */
let last: { text: string; schedule: Schedule } | undefined;

async function answer(request: Exclude<WorkerRequest, { kind: 'ack' }>): Promise<WorkerReply> {
  const { id, kind, text, file, now } = request;
  let schedule = last?.text === text ? last.schedule : undefined;
  let warnings: readonly Diagnostic[] = [];
  if (!schedule || kind === 'check') {
    const checked = checkScheduleText(text, { file, now });
    if (!checked.ok) return { id, ok: false, diagnostics: checked.diagnostics };
    schedule = checked.schedule;
    warnings = checked.diagnostics;
    last = { text, schedule };
  }
  const next = nextTransition(schedule, now);
  if (kind === 'next') return { id, ok: true, warnings, next };
  // The windows go in parts, each after the daemon's thread said it took in the last:
  // taking in 10,000 at once (cloning them back, building them again, the garbage
  // collection that follows) held that thread for over 100 ms.
  for (let i = 0; i < schedule.windows.length; i += WINDOWS_PER_PART) {
    const taken = new Promise<void>((resolve) => { acked = resolve; });
    parentPort!.postMessage({ id, windows: schedule.windows.slice(i, i + WINDOWS_PER_PART).map(windowToData) } satisfies WorkerReply);
    await taken;
  }
  // The first evaluation too: on the daemon's thread it would cost as much as checking a
  // large schedule's windows, at the moment the schedule is taken in.
  return { id, ok: true, schedule: scheduleToData({ ...schedule, windows: [] }), evaluation: evaluate(schedule, now), warnings, next };
}

let acked: (() => void) | undefined;
/** Requests one at a time, in the order they came. */
let queue: Promise<unknown> = Promise.resolve();

parentPort?.on('message', (request: WorkerRequest) => {
  if (request.kind === 'ack') return acked?.();
  // A check that throws is a bug: the thread ends with it, and the daemon's side reports it.
  queue = queue.then(async () => parentPort!.postMessage(await answer(request))).catch((error: unknown) => setImmediate(() => { throw error; }));
});
