// Evictions paced by their PodDisruptionBudgets instead of by 429s. A batch of 20 nodes
// sends hundreds of evictions at budgets that allow a few at a time; retrying each
// refused pod on its own back-off floods the API server with refusals and re-reads, and
// a budget's freed slot waits for the next back-off to expire (the scale-down benchmark
// measured 473 refusals for 500 evictions, and waves starting late).
//
// The gate hands out a budget's slots: as many evictions at once as the budget's last
// observed disruptionsAllowed, less those in flight. A pod that finds no slot waits; one
// list of all budgets per `budgetPollMs` refreshes every count while anyone waits, and
// wakes as many waiters as slots freed (first come, first served). The API server stays
// the authority: a refusal closes the budget until the next list, and a waiter that
// waited `evictionBackoff.maxMs` tries anyway, so a gate whose lists fail degrades to
// the plain back-off, never to a stall.

import { isRemoteError } from '../errors.js';
import { pdbKey, type Budgets } from '../plan/index.js';
import type { PdbObservation } from '../ports/observation.js';
import type { ExecContext } from './context.js';

/** Held while one eviction call is in flight; release it when the call has answered. */
export type Slot = { release(): void };

type Waiter = { readonly key: string; slot: Slot | undefined; readonly wake: () => void };

export class BudgetGate {
  readonly #ctx: ExecContext;
  /** Per budget: slots left, the last look's disruptionsAllowed less what was taken since (a refusal sets it to 0). */
  readonly #allowed = new Map<string, number>();
  /** Per budget: slots taken whose eviction call has not answered yet. */
  readonly #inFlight = new Map<string, number>();
  #waiters: Waiter[] = [];
  #polling = false;
  /** Budget lists made: the cost of pacing, for tests and benchmarks. */
  lists = 0;

  constructor(ctx: ExecContext, budgets: Budgets) {
    this.#ctx = ctx;
    for (const b of budgets.all) this.#allowed.set(b.key, b.allowedNow);
  }

  /**
   * A slot of budget `key`: at once when one is free, else when a refreshed count frees
   * one, or after `evictionBackoff.maxMs` regardless. Rejects when `signal` aborts.
   */
  async acquire(key: string, signal: AbortSignal): Promise<Slot> {
    if (signal.aborted) throw signal.reason;
    if ((this.#allowed.get(key) ?? 0) > 0) return this.#take(key);
    // The timeout's own controller: a woken waiter cancels its timer, so no real timer outlives the run.
    const timer = new AbortController();
    const onAbort = () => timer.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const waiter: Waiter = { key, slot: undefined, wake: () => timer.abort('woken') };
    this.#waiters.push(waiter);
    this.#startPolling();
    try {
      await this.#ctx.sleep(this.#ctx.options.evictionBackoff.maxMs, timer.signal).catch(() => undefined);
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
    }
    if (signal.aborted) {
      waiter.slot?.release();
      throw signal.reason;
    }
    // Woken: handed its slot. Waited long enough: tries anyway, the API server decides.
    return waiter.slot ?? this.#take(key);
  }

  /** The API server refused an eviction under `key`: no slot until the next look. */
  exhausted(key: string): void {
    this.#allowed.set(key, 0);
  }

  #take(key: string): Slot {
    this.#allowed.set(key, (this.#allowed.get(key) ?? 0) - 1);
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight.set(key, this.#inFlight.get(key)! - 1);
      },
    };
  }

  #startPolling(): void {
    if (this.#polling || this.#waiters.length === 0) return;
    this.#polling = true;
    void this.#poll().finally(() => {
      this.#polling = false;
      this.#startPolling();
    });
  }

  async #poll(): Promise<void> {
    const ctx = this.#ctx;
    while (this.#waiters.length > 0) {
      try {
        await ctx.sleep(ctx.options.budgetPollMs);
        const pdbs = await ctx.world.listPdbs();
        this.lists++;
        this.#refresh(pdbs);
      } catch (error) {
        // Stopped: each waiter's own signal rejects it. A failed list: waiters fall back to their timeout.
        if (!isRemoteError(error)) return;
      }
    }
  }

  /** New counts, less the evictions still in flight (counted once, if the look already saw them: fail closed). */
  #refresh(pdbs: readonly PdbObservation[]): void {
    for (const pdb of pdbs) {
      const allowed = Number.isFinite(pdb.disruptionsAllowed) ? Math.max(0, Math.floor(pdb.disruptionsAllowed)) : 0;
      this.#allowed.set(pdbKey(pdb), allowed - (this.#inFlight.get(pdbKey(pdb)) ?? 0));
    }
    for (const waiter of [...this.#waiters]) {
      if ((this.#allowed.get(waiter.key) ?? 0) <= 0) continue;
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      waiter.slot = this.#take(waiter.key);
      waiter.wake();
    }
  }
}
