// The schedule in force, from its file, reloaded when the file changes. A new file that
// does not check is rejected whole with its diagnostics in the log; the last good
// schedule stays in force and the source says it is stale (/status, a metric) until a
// good file arrives. Changes are noticed by fs.watch on the file's directory (a
// ConfigMap volume swaps a symlink, an editor renames: the file itself is replaced) and,
// in case a watch event is lost, by a content check on every resync.

import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Clock } from '../clock.js';
import { readDocument } from '../json/document.js';
import { formatDiagnostic, type Desired, type Diagnostic, type Schedule } from '../schedule/index.js';
import { evaluate, holdsAt, type Evaluation } from './evaluation.js';
import { ScheduleChecker } from './schedule-check.js';
import type { NextTransition } from './status.js';

export type ScheduleStatus = {
  readonly path: string;
  readonly loadedAt: number;
  readonly sha256: string;
  /**
   * Set while the file on disk is rejected: when, its diagnostics, and what was rejected
   * (the text's SHA-256, or why it could not be read), so that it is not rejected again.
   */
  readonly rejected?: { readonly at: number; readonly fingerprint: string; readonly diagnostics: readonly string[] };
};

export type Reload =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'loaded'; readonly warnings: readonly string[] }
  | { readonly kind: 'rejected'; readonly diagnostics: readonly string[] };

/** The schedule in force: its text (for the checker's look ahead), compiled form and next change. */
type InForce = {
  readonly text: string;
  readonly schedule: Schedule;
  next: NextTransition | null | undefined;
  /** The last evaluation (desiredAt and the next boundary): it holds until that boundary. */
  evaluation: Evaluation;
};

/**
 * Every schedule is checked on the checker's worker thread (schedule-check.ts), never on
 * the daemon's own: the first one and every change. The daemon's thread keeps answering
 * /healthz and renewing its Lease whatever the file holds.
 */
export class ScheduleSource {
  readonly path: string;
  readonly #clock: Clock;
  readonly #checker: ScheduleChecker;
  #inForce: InForce;
  #status: ScheduleStatus;
  /** Reloads run one after another: two checks under way could otherwise land out of order. */
  #reloading: Promise<unknown> = Promise.resolve();

  private constructor(path: string, clock: Clock, checker: ScheduleChecker, inForce: InForce, status: ScheduleStatus) {
    this.path = path;
    this.#clock = clock;
    this.#checker = checker;
    this.#inForce = inForce;
    this.#status = status;
  }

  /**
   * The first load must succeed: there is no last good schedule to fall back on. Its
   * diagnostics come as values, for the caller to print (on a terminal: made safe first).
   */
  static async open(path: string, clock: Clock, checker = new ScheduleChecker()): Promise<{ ok: true; source: ScheduleSource; warnings: readonly string[] } | { ok: false; diagnostics: readonly Diagnostic[] }> {
    const read = await readSchedule(path);
    if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
    const now = clock.now();
    const checked = await checker.check(read.text, path, now);
    if (!checked.ok) {
      await checker.close();
      return { ok: false, diagnostics: checked.diagnostics };
    }
    const inForce = { text: read.text, schedule: checked.schedule, next: checked.next, evaluation: checked.evaluation };
    const source = new ScheduleSource(path, clock, checker, inForce, { path, loadedAt: now, sha256: hash(read.text) });
    return { ok: true, source, warnings: checked.warnings.map(formatDiagnostic) };
  }

  current(): Schedule {
    return this.#inForce.schedule;
  }

  status(): ScheduleStatus {
    return this.#status;
  }

  /**
   * desiredAt(current(), now), worked out again only once a window starts or ends: the
   * reconcile, its triggers and /status ask many times between two boundaries, and a large
   * schedule costs tens of milliseconds each time. The first answer comes from the checker.
   */
  desiredAt(now: number): Desired {
    return this.#evaluation(now).desired;
  }

  /** The next instant a window starts or ends after `now`, within LOOKAHEAD_MS; undefined when none does. */
  nextBoundary(now: number): number | undefined {
    return this.#evaluation(now).boundary;
  }

  #evaluation(now: number): Evaluation {
    const inForce = this.#inForce;
    if (!holdsAt(inForce.evaluation, now)) inForce.evaluation = evaluate(inForce.schedule, now);
    return inForce.evaluation;
  }

  /** The schedule's next change as last worked out (refreshNext); undefined while that is not known. */
  next(): NextTransition | null | undefined {
    return this.#inForce.next;
  }

  /** Works out the next change again when the one known has passed: on the checker's thread, as a look ahead can be long. */
  async refreshNext(now: number): Promise<void> {
    const inForce = this.#inForce;
    const known = inForce.next;
    if (known !== undefined && (known === null || Date.parse(known.at) > now)) return;
    const next = await this.#checker.next(inForce.text, this.path, now);
    if (this.#inForce === inForce) inForce.next = next;
  }

  /** Reads the file again; takes it when it changed and checks, keeps the last good one otherwise. */
  reload(): Promise<Reload> {
    const reloaded = this.#reloading.then(() => this.#reload());
    this.#reloading = reloaded.catch(() => undefined);
    return reloaded;
  }

  /** Ends the checker's thread. */
  close(): Promise<void> {
    return this.#checker.close();
  }

  async #reload(): Promise<Reload> {
    const read = await readSchedule(this.path);
    if (!read.ok) {
      // A FIFO or a missing file stays so from one resync to the next: rejected (and logged,
      // and counted) once, like a text that stays invalid.
      const fingerprint = `unreadable: ${read.diagnostic.code} ${read.diagnostic.message}`;
      if (fingerprint === this.#status.rejected?.fingerprint) return { kind: 'unchanged' };
      return this.#reject(fingerprint, [formatDiagnostic(read.diagnostic)]);
    }
    const text = read.text;
    const sha256 = hash(text);
    if (sha256 === this.#status.sha256 && !this.#status.rejected) return { kind: 'unchanged' };
    if (sha256 === this.#status.rejected?.fingerprint) return { kind: 'unchanged' };
    const now = this.#clock.now();
    const checked = await this.#checker.check(text, this.path, now);
    if (!checked.ok) return this.#reject(sha256, checked.diagnostics.map(formatDiagnostic));
    this.#inForce = { text, schedule: checked.schedule, next: checked.next, evaluation: checked.evaluation };
    this.#status = { path: this.path, loadedAt: now, sha256 };
    return { kind: 'loaded', warnings: checked.warnings.map(formatDiagnostic) };
  }

  /**
   * Calls `changed` (debounced) when the file may have changed; returns the stop function.
   * `failed` hears why the watch could not start or stopped: the resync's content check
   * then is the only way changes are noticed, which is enough, a minute later.
   */
  watch(changed: () => void, failed: (error: unknown) => void, debounceMs = 200): () => void {
    let timer: NodeJS.Timeout | undefined;
    const name = basename(this.path);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(this.path), (_event, file) => {
        // A ConfigMap volume swaps `..data`; anything else in the directory is not ours.
        if (file !== null && file !== name && !file.startsWith('..')) return;
        clearTimeout(timer);
        timer = setTimeout(changed, debounceMs);
      });
      watcher.on('error', (error) => {
        watcher?.close();
        failed(error);
      });
    } catch (error) {
      failed(error);
    }
    return () => {
      clearTimeout(timer);
      watcher?.close();
    };
  }

  #reject(fingerprint: string, diagnostics: readonly string[]): Reload {
    this.#status = { ...this.#status, rejected: { at: this.#clock.now(), fingerprint, diagnostics } };
    return { kind: 'rejected', diagnostics };
  }
}

function readSchedule(path: string): ReturnType<typeof readDocument> {
  return readDocument(path, 'SCALERD_ERR_SCHEDULE_READ', 'check the path (in a cluster: the schedule ConfigMap and its volume)');
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
