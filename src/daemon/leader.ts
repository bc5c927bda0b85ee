// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it,
// so that of several daemons only one mutates the cluster. Candidates poll the lease every
// retry period; one takes it when it is absent, released (no holder) or expired; the leader
// renews it every retry period and stops leading when it could not renew for a renew
// deadline, which is shorter than the lease duration the others wait, so it has stopped
// before anyone else may start.
//
// Expiry is judged on the candidate's own clock: a lease has expired when its content has
// not changed for leaseDurationSeconds since this candidate first saw it as it is. Remote
// timestamps are never compared with local time, so clock skew between hosts does not
// matter (only skew in rate, which the margin between deadline and duration absorbs).
//
// A write whose answer was lost after it landed meets itself when the adapter retries it
// (409 Conflict, or AlreadyExists for a create): a read then finds this candidate's
// identity with the renewTime it just sent, and the write counts as done — neither a lost
// race nor a round to wait out.
//
// This is not fencing: a write the leader sent just before its deadline can still land
// after it. The actuator narrows that window by asking isLeader() before every mutating step.

import type { Clock } from '../clock.js';
import type { Sleep } from '../actuate/types.js';
import { isRemoteError, type RemoteError } from '../errors.js';
import type { LeaseRecord, LeaseStore } from '../ports/lease.js';

/** pino-compatible; the elector needs no more. */
export interface LeaderLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Why leadership ended: the renew deadline passed, another holder was seen, or run() was stopped. */
export type StopReason = 'renew-deadline' | 'lost' | 'stopped';

export type LeaderElectorOptions = {
  readonly store: LeaseStore;
  readonly namespace: string;
  readonly name: string;
  /** Unique among the candidates (a pod name, hostname_uuid). */
  readonly identity: string;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** How long the others wait before taking over a lease that stopped changing (default 15 s; whole seconds on the wire, rounded up). */
  readonly leaseDurationMs?: number;
  /** The leader stops leading when it has not renewed for this long (default 10 s; shorter than the lease duration). */
  readonly renewDeadlineMs?: number;
  /** Between two tries, to acquire or to renew (default 2 s). */
  readonly retryPeriodMs?: number;
  /** When run() is stopped, write the lease free so another candidate takes it at once (default true, client-go's ReleaseOnCancel). */
  readonly releaseOnCancel?: boolean;
  /** Callbacks run synchronously, after the state changed; what one throws is logged (or, without a log, rethrown uncaught). */
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: (reason: StopReason) => void;
  /** A holder other than the last one seen (this candidate included); a release (no holder) is not reported. */
  readonly onNewLeader?: (identity: string) => void;
  /** A round that could not read or write the lease, or a release that failed (logged too): the daemon counts them. */
  readonly onLeaseFailed?: (error: RemoteError) => void;
  readonly log?: LeaderLog;
};

/** The Lease the replicas elect on, in scalerd's namespace (deploy/role.yaml names it). */
export const LEASE_NAME = 'scalerd';
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

export class LeaderElector {
  readonly #o: LeaderElectorOptions;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #where: { lease: string; identity: string };
  /** The lease as last read or written, and when (our clock) its content last changed. */
  #observed: LeaseRecord | undefined;
  #observedAt = 0;
  #leading = false;
  /** When the last successful write as holder was sent: the conservative start of our term. */
  #renewedAt = 0;
  #reportedLeader: string | undefined;
  #running = false;
  #watchdog: AbortController | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.#leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.#retryPeriodMs = options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    if (!options.identity) throw new RangeError('leader election needs a non-empty identity');
    if (!options.namespace || !options.name) throw new RangeError('leader election needs the lease\'s namespace and name');
    if (!(this.#retryPeriodMs > 0)) throw new RangeError(`retryPeriodMs must be positive, got ${this.#retryPeriodMs}`);
    // A deadline not above the retry period gives the leader one try per term; a lease not
    // above the deadline lets another candidate start before this one has stopped.
    if (!(this.#renewDeadlineMs > this.#retryPeriodMs)) throw new RangeError(`renewDeadlineMs (${this.#renewDeadlineMs}) must be longer than retryPeriodMs (${this.#retryPeriodMs})`);
    if (!(this.#leaseDurationMs > this.#renewDeadlineMs)) throw new RangeError(`leaseDurationMs (${this.#leaseDurationMs}) must be longer than renewDeadlineMs (${this.#renewDeadlineMs})`);
    this.#where = { lease: `${options.namespace}/${options.name}`, identity: options.identity };
  }

  /**
   * Whether this candidate leads now. Read against the clock on every call: false as soon
   * as the last renewal is a renew deadline old, whether or not the loop has noticed.
   */
  isLeader(): boolean {
    if (!this.#leading) return false;
    if (this.#o.clock.now() - this.#renewedAt < this.#renewDeadlineMs) return true;
    this.#stopLeading('renew-deadline');
    return false;
  }

  /** The holder last seen, undefined when none was seen or the lease is released. */
  leader(): string | undefined {
    return this.#observed?.holderIdentity || undefined;
  }

  /** Campaigns and leads until `signal` aborts; then stops leading and, with releaseOnCancel, frees the lease. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error(`leader election on ${this.#where.lease} is already running`);
    this.#running = true;
    this.#o.log?.info({ event: 'leader-campaign', ...this.#where }, 'attempting to acquire the leader lease');
    try {
      while (!signal.aborted) {
        // A stop does not wait for a round stuck in retries: the release after it is safe
        // against that round's write (one of the two gets a 409), and a SIGTERM's grace is short.
        if (!(await this.#unlessAborted(this.#round(signal), signal))) break;
        await this.#wait(this.#pause(), signal);
      }
    } finally {
      this.#running = false;
      // IMPORTANT: stop leading before the release write: once the lease is free another
      // candidate may start at once, and this one must already answer isLeader() false.
      this.#stopLeading('stopped');
      if (this.#o.releaseOnCancel ?? true) await this.#release();
    }
  }

  /** One try to acquire or renew; a remote failure is a failed try (the deadline decides what it costs). */
  async #round(signal: AbortSignal): Promise<void> {
    const sentAt = this.#o.clock.now();
    let held: boolean;
    try {
      held = await this.#tryAcquireOrRenew(sentAt, signal);
    } catch (error) {
      if (!isRemoteError(error)) throw error;
      this.#o.log?.warn({ event: 'leader-lease-failed', ...this.#where, err: error, leading: this.#leading }, 'reading or writing the leader lease failed');
      this.#notify('onLeaseFailed', () => this.#o.onLeaseFailed?.(error));
      return;
    }
    if (!held || signal.aborted) return;
    this.#renewedAt = Math.max(this.#renewedAt, sentAt);
    // A write that took longer than the deadline to answer grants no term: the next round
    // (which finds this candidate the holder) renews with a fresh one.
    if (this.#leading) this.#armWatchdog();
    else if (this.#o.clock.now() - sentAt < this.#renewDeadlineMs) this.#startLeading();
  }

  /** client-go's tryAcquireOrRenew: true when this candidate holds the lease as of `now`. */
  async #tryAcquireOrRenew(now: number, signal: AbortSignal): Promise<boolean> {
    const { store, namespace, name, identity } = this.#o;
    const claim = { namespace, name, holderIdentity: identity, leaseDurationSeconds: Math.ceil(this.#leaseDurationMs / 1000), renewTime: now };

    // The leader's usual renewal: one write at the version it last wrote.
    const last = this.#observed;
    if (this.#leading && last?.holderIdentity === identity) {
      const written = await store.update({ ...claim, acquireTime: last.acquireTime ?? now, leaseTransitions: last.leaseTransitions ?? 0, resourceVersion: last.resourceVersion });
      if (written !== 'conflict') return this.#observe(written);
      this.#o.log?.info({ event: 'leader-lease-conflict', ...this.#where }, 'the leader lease changed since the last renewal; reading it');
    }

    // Checked before every write: a stopping candidate must not take back what it just released.
    if (signal.aborted) return false;
    const current = await store.get(namespace, name);
    if (signal.aborted) return false;
    // The renewal above landed and only its answer was lost (its retry met itself): held.
    if (current && isOwnWrite(current, identity, now)) return this.#observe(current);
    if (!current) {
      const created = await store.create({ ...claim, acquireTime: now, leaseTransitions: 0, resourceVersion: '' });
      return created !== 'exists' ? this.#observe(created) : this.#afterLostRace(now);
    }
    this.#observe(current);
    const holder = current.holderIdentity ?? '';
    if (holder !== '' && holder !== identity && now < this.#expiresAt()) return false;
    const mine = holder === identity;
    const written = await store.update({
      ...claim,
      acquireTime: mine ? current.acquireTime ?? now : now,
      leaseTransitions: (current.leaseTransitions ?? 0) + (mine ? 0 : 1),
      resourceVersion: current.resourceVersion,
    });
    // 409: another candidate wrote in between (took it, or the holder renewed), or our own
    // write landed with its answer lost: a read tells which.
    return written !== 'conflict' ? this.#observe(written) : this.#afterLostRace(now);
  }

  /**
   * After a write of this round was refused (409): the lease as it is now. Held when it is
   * that very write — landed, its answer lost, its retry refused by itself — else another
   * candidate's, observed for the next round.
   */
  async #afterLostRace(now: number): Promise<boolean> {
    const current = await this.#o.store.get(this.#o.namespace, this.#o.name);
    if (!current) return false;
    return this.#observe(current) && isOwnWrite(current, this.#o.identity, now);
  }

  /** Records what the lease says now; returns whether this candidate is its holder. */
  #observe(record: LeaseRecord): boolean {
    if (!this.#observed || !sameContent(this.#observed, record)) this.#observedAt = this.#o.clock.now();
    this.#observed = record;
    const holder = record.holderIdentity ?? '';
    if (holder !== this.#o.identity) this.#stopLeading('lost');
    if (holder !== '' && holder !== this.#reportedLeader) {
      this.#reportedLeader = holder;
      this.#o.log?.info({ event: 'leader-observed', ...this.#where, holder }, `the leader is ${holder}`);
      this.#notify('onNewLeader', () => this.#o.onNewLeader?.(holder));
    }
    return holder === this.#o.identity;
  }

  /** When the observed lease may be taken over, on our clock. */
  #expiresAt(): number {
    const seconds = this.#observed?.leaseDurationSeconds ?? this.#leaseDurationMs / 1000;
    return this.#observedAt + seconds * 1000;
  }

  /** The leader waits a retry period; a candidate wakes early when the lease it waits on expires sooner. */
  #pause(): number {
    if (this.#leading) return this.#retryPeriodMs;
    const untilExpiry = this.#expiresAt() - this.#o.clock.now();
    return untilExpiry > 0 && untilExpiry < this.#retryPeriodMs ? untilExpiry : this.#retryPeriodMs;
  }

  #startLeading(): void {
    this.#leading = true;
    this.#armWatchdog();
    this.#o.log?.info({ event: 'leader-started', ...this.#where, transitions: this.#observed?.leaseTransitions ?? 0 }, 'acquired the leader lease; leading');
    this.#notify('onStartedLeading', () => this.#o.onStartedLeading?.());
  }

  #stopLeading(reason: StopReason): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#watchdog?.abort();
    this.#watchdog = undefined;
    const fields = { event: 'leader-stopped', ...this.#where, reason, renewedAt: new Date(this.#renewedAt).toISOString() };
    if (reason === 'stopped') this.#o.log?.info(fields, 'stopped leading');
    else this.#o.log?.warn(fields, reason === 'lost' ? 'another candidate holds the leader lease; stopped leading' : 'could not renew the leader lease within the renew deadline; stopped leading');
    this.#notify('onStoppedLeading', () => this.#o.onStoppedLeading?.(reason));
  }

  /**
   * Fires onStoppedLeading at the deadline even while the loop waits on a slow request:
   * isLeader() already answers false then, the callback should not lag behind it.
   */
  #armWatchdog(): void {
    this.#watchdog?.abort();
    const controller = new AbortController();
    this.#watchdog = controller;
    const dueIn = this.#renewedAt + this.#renewDeadlineMs - this.#o.clock.now();
    void this.#wait(dueIn, controller.signal).then((due) => {
      if (due) this.isLeader();
    });
  }

  /** client-go's release: no holder, a 1 s lease, so another candidate takes it at its next try. */
  async #release(): Promise<void> {
    const { store, namespace, name, identity } = this.#o;
    let lease = this.#observed;
    for (let attempt = 1; lease?.holderIdentity === identity && attempt <= 2; attempt++) {
      const now = this.#o.clock.now();
      try {
        const written = await store.update({
          namespace, name, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now,
          leaseTransitions: lease.leaseTransitions ?? 0, resourceVersion: lease.resourceVersion,
        });
        if (written !== 'conflict') {
          this.#observe(written);
          this.#o.log?.info({ event: 'leader-released', ...this.#where }, 'released the leader lease');
          return;
        }
        // Renewed by a write whose answer we lost, or taken: read it to tell which.
        lease = await store.get(namespace, name);
        if (lease) this.#observe(lease);
      } catch (error) {
        if (!isRemoteError(error)) throw error;
        this.#o.log?.warn({ event: 'leader-release-failed', ...this.#where, err: error }, 'could not release the leader lease; the others take it when it expires');
        this.#notify('onLeaseFailed', () => this.#o.onLeaseFailed?.(error));
        return;
      }
    }
  }

  /**
   * Waits for `work` unless `signal` aborts first (false). Work left behind still runs to
   * its end; what it throws is reported, not lost.
   */
  async #unlessAborted(work: Promise<void>, signal: AbortSignal): Promise<boolean> {
    let onAbort!: () => void;
    const aborted = new Promise<false>((resolve) => {
      onAbort = () => resolve(false);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const finished = await Promise.race([work.then(() => true as const), aborted]);
      if (!finished) work.catch((error: unknown) => this.#report('round after stop', error));
      return finished;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Sleeps; false when `signal` aborted it. */
  async #wait(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.#o.sleep(Math.max(0, ms), signal);
      return !signal.aborted;
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    }
  }

  #notify(callback: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report(callback, error);
    }
  }

  /** An error nobody awaits: logged, or without a log rethrown uncaught, never dropped. */
  #report(where: string, error: unknown): void {
    if (!this.#o.log) queueMicrotask(() => { throw error; });
    else this.#o.log.warn({ event: 'leader-error', ...this.#where, where, err: error }, `leader election: ${where} failed`);
  }
}

/**
 * Whether the lease is this candidate's write of the round sent at `now`: only it writes
 * its identity, and each round its own renewTime, so a match is that write, landed.
 */
function isOwnWrite(lease: LeaseRecord, identity: string, now: number): boolean {
  return lease.holderIdentity === identity && lease.renewTime === now;
}

/** client-go compares the election record, not the object: a relabelled lease has not been renewed. */
function sameContent(a: LeaseRecord, b: LeaseRecord): boolean {
  return a.holderIdentity === b.holderIdentity && a.leaseDurationSeconds === b.leaseDurationSeconds && a.acquireTime === b.acquireTime
    && a.renewTime === b.renewTime && a.leaseTransitions === b.leaseTransitions;
}
