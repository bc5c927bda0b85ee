// One reconcile at a time, whatever wakes it. A trigger that arrives while a reconcile
// runs is not queued per reason: the reconcile is level-based, so one more run after the
// current one sees everything the triggers announced, however many there were.

export type RunReconcile = (reasons: readonly string[]) => Promise<void>;

export class ReconcileLoop {
  readonly #run: RunReconcile;
  readonly #onError: (error: unknown) => void;
  #pending: string[] = [];
  #running: Promise<void> | undefined;
  #stopped = false;
  #idle: (() => void)[] = [];

  /** `onError` hears what a run threw (a bug: runs report their own failures); the loop goes on. */
  constructor(run: RunReconcile, onError: (error: unknown) => void) {
    this.#run = run;
    this.#onError = onError;
  }

  /** Asks for a reconcile: now, or right after the one running. */
  trigger(reason: string): void {
    if (this.#stopped) return;
    if (!this.#pending.includes(reason)) this.#pending.push(reason);
    if (!this.#running) this.#running = this.#drain();
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Resolves once no reconcile runs and none is asked for. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** No reconcile starts after this; resolves when the one running (if any) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending = [];
    await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0 && !this.#stopped) {
        const reasons = this.#pending;
        this.#pending = [];
        await this.#run(reasons).catch(this.#onError);
      }
    } finally {
      this.#running = undefined;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}
