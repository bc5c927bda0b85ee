// The worker thread that checks schedules for the daemon (schedule-check.ts): checking an
// untrusted document (parsing, the schema, compiling, the warnings over a year) and
// looking far ahead for the next change take time and memory that grow with the document,
// and must never hold up the daemon's thread, which renews the Lease and answers /healthz.

import { parentPort } from 'node:worker_threads';
import { checkScheduleText, type Diagnostic, type Schedule } from '../schedule/index.js';
import { scheduleToData, type ScheduleData } from '../schedule/transfer.js';
import { nextTransition, type NextTransition } from './status.js';

export type WorkerRequest = { readonly id: number; readonly kind: 'check' | 'next'; readonly text: string; readonly file: string; readonly now: number };

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly schedule?: ScheduleData; readonly warnings: readonly Diagnostic[]; readonly next: NextTransition | null }
  | { readonly id: number; readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** The last schedule that checked, by its text: asking for its next change needs no second check. */
let last: { text: string; schedule: Schedule } | undefined;

function answer(request: WorkerRequest): WorkerReply {
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
  return kind === 'check' ? { id, ok: true, schedule: scheduleToData(schedule), warnings, next } : { id, ok: true, warnings, next };
}

parentPort?.on('message', (request: WorkerRequest) => {
  parentPort!.postMessage(answer(request));
});
