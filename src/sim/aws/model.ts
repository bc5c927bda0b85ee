// The simulated Auto Scaling service: groups whose size is level-based like AWS's — after every
// change the group compares desired capacity with its live instances and launches or
// terminates the difference — plus AZRebalance, scale-in protection and suspended processes.
// All time is the injected clock's. API errors come back as values (Result), worded as AWS.

import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import { fail, groupNotFound, instanceNotManaged, ok, validation, constraint, sender, type Result } from './errors.js';
import { Fleet } from './fleet.js';
import { applySettings, DEFAULT_SETTINGS, type SettingsUpdate } from './group-settings.js';
import { groupArn, type Random } from './ids.js';
import { launchZones, pickVictims, rebalanceZone } from './policy.js';
import {
  isScalingProcess,
  SCALING_PROCESSES,
  snapshotActivity,
  snapshotGroup,
  snapshotInstance,
  type ActivitySnapshot,
  type GroupRecord,
  type GroupSnapshot,
  type InstanceRecord,
  type InstanceSnapshot,
  type LaunchTemplateRef,
  type ScalingProcess,
} from './records.js';
import type { AwsTimings, GroupSpec, InstanceObserver, TerminationReason } from './types.js';
import * as words from './wording.js';

/** What the model needs of the simulator's clock (SimClock has it). */
export type ModelClock = { now(): number; after(delayMs: number, fn: () => void): unknown };

export type AwsModelOptions = {
  readonly clock: ModelClock;
  /**
   * The simulator's faults. The model reads only rules on the operation "RunInstances": they
   * make the group's launches fail (a Failed scaling activity; the group retries after
   * timings.launchRetryMs). API request faults are the query handler's.
   */
  readonly faults: Faults;
  /** Receives a `mutation` fact (client autoscaling.amazonaws.com) for every launch and termination the service performs. */
  readonly recorder: Recorder;
  readonly observer: InstanceObserver;
  /** e.g. "eu-west-1"; private DNS names and ARNs carry it. */
  readonly region: string;
  readonly timings: AwsTimings;
  /** Source of ids and addresses (default Math.random); fix it for deterministic ids in tests. */
  readonly random?: Random;
};

/** A launch template as UpdateAutoScalingGroup names it: by id or name, and a version. */
export type TemplateUpdate = { readonly id?: string; readonly name?: string; readonly version?: string };

export type GroupUpdate = {
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
  readonly availabilityZones?: readonly string[];
  readonly launchTemplate?: TemplateUpdate;
  /** Checked already (group-settings.ts checkSettings). */
  readonly settings?: SettingsUpdate;
};

/** What a group does next about its size; `reason` is told to the cluster for terminations. */
type Context = { readonly trigger: string; readonly reason: TerminationReason };

export class AwsModel {
  readonly region: string;
  readonly #clock: ModelClock;
  readonly #random: Random;
  readonly #groups = new Map<string, GroupRecord>();
  readonly #fleet: Fleet;
  readonly #launchRetryMs: number;
  /** Groups with a retry of failed launches already scheduled. */
  readonly #retrying = new Set<string>();

  constructor(options: AwsModelOptions) {
    this.region = options.region;
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
    this.#launchRetryMs = options.timings.launchRetryMs ?? 10_000;
    this.#fleet = new Fleet({ ...options, random: this.#random, settled: (instance) => this.#settled(instance) });
  }

  now(): number {
    return this.#clock.now();
  }

  /**
   * Declares a group with `desiredCapacity` instances spread evenly over its zones. With
   * startInService they are running at once (observer told synchronously), as in a cluster
   * that existed before the scenario; otherwise they launch like any other. Throws on a spec
   * no AWS group could have: that is a scenario bug, not an API error.
   */
  addGroup(spec: GroupSpec, options: { readonly startInService: boolean }): void {
    checkSpec(spec, this.#groups.has(spec.name));
    const at = this.#clock.now();
    const group: GroupRecord = {
      name: spec.name,
      arn: groupArn(this.region, spec.name, this.#random),
      availabilityZones: [...spec.availabilityZones],
      instanceType: spec.instanceType,
      launchTemplate: { ...spec.launchTemplate },
      latestTemplateVersion: /^\d+$/.test(spec.launchTemplate.version) ? Number(spec.launchTemplate.version) : 1,
      settings: DEFAULT_SETTINGS,
      tags: { ...spec.tags },
      createdTime: at,
      minSize: spec.minSize,
      maxSize: spec.maxSize,
      desiredCapacity: spec.desiredCapacity,
      suspended: new Map((spec.suspendedProcesses ?? []).map((p) => [p as ScalingProcess, words.suspensionReason(at)])),
      trigger: words.createdTrigger(at, spec.desiredCapacity),
    };
    this.#groups.set(group.name, group);
    if (options.startInService) {
      const cause = words.launchCause(group.trigger, at, 0, group.desiredCapacity);
      for (const zone of launchZones(group.availabilityZones, [], group.desiredCapacity)) this.#fleet.launch(group, zone, cause, true);
    }
    this.#reconcile(group);
  }

  /** Every group, by name (the order DescribeAutoScalingGroups lists them in). */
  groups(): GroupSnapshot[] {
    return [...this.#groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((g) => snapshotGroup(g, this.#fleet.members(g.name)));
  }

  group(name: string): GroupSnapshot | undefined {
    const g = this.#groups.get(name);
    return g && snapshotGroup(g, this.#fleet.members(name));
  }

  /** Every instance EC2 shows, in launch order: terminated ones until timings.terminatedVisibleMs has passed. */
  instances(): InstanceSnapshot[] {
    return this.#fleet.all().map(snapshotInstance);
  }

  instance(instanceId: string): InstanceSnapshot | undefined {
    const i = this.#fleet.get(instanceId);
    return i && snapshotInstance(i);
  }

  /** Scaling activities, newest first. */
  activities(): ActivitySnapshot[] {
    return this.#fleet.activities().map(snapshotActivity);
  }

  /**
   * With `honorCooldown`, refused while a scaling activity of the group is in progress or
   * its DefaultCooldown has not passed since the last one ended (AWS ignores cooldowns for
   * this call otherwise).
   */
  setDesiredCapacity(name: string, desired: number, honorCooldown = false): Result<void> {
    const group = this.#groups.get(name);
    if (!group) return fail(groupNotFound(name, 'SetDesiredCapacity'));
    const blocking = honorCooldown ? this.#cooldownActivity(group) : undefined;
    // AWS's words for an activity in progress; it words a cooldown after one the same way, as far as found.
    if (blocking) return fail(sender('ScalingActivityInProgress', `Scaling activity ${blocking.activityId} is in progress and blocks this action`));
    if (desired < group.minSize) return fail(validation(`New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`));
    if (desired > group.maxSize) return fail(validation(`New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`));
    if (desired !== group.desiredCapacity) group.trigger = words.setDesiredTrigger(this.#clock.now(), group.desiredCapacity, desired);
    group.desiredCapacity = desired;
    this.#reconcile(group);
    return ok(undefined);
  }

  /**
   * As AWS: a new MinSize above the current desired capacity (or MaxSize below it) moves
   * desired along when DesiredCapacity is not given; a given DesiredCapacity must fit.
   * Nothing changes unless every part of the update is accepted.
   */
  updateGroup(name: string, update: GroupUpdate): Result<void> {
    const group = this.#groups.get(name);
    if (!group) return fail(groupNotFound(name, 'UpdateAutoScalingGroup'));
    const min = update.minSize ?? group.minSize;
    const max = update.maxSize ?? group.maxSize;
    if (min > max) return fail(validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`));
    const desired = update.desiredCapacity ?? Math.min(max, Math.max(min, group.desiredCapacity));
    if (desired < min || desired > max) return fail(validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`));
    const zones = update.availabilityZones === undefined ? ok(group.availabilityZones) : this.#checkZones(group, update.availabilityZones);
    if (!zones.ok) return zones;
    const template = update.launchTemplate === undefined ? ok(group.launchTemplate) : checkTemplate(group, update.launchTemplate);
    if (!template.ok) return template;
    if (desired !== group.desiredCapacity) group.trigger = words.updateTrigger(this.#clock.now(), { min, max, desired }, group.desiredCapacity);
    Object.assign(group, { minSize: min, maxSize: max, desiredCapacity: desired, availabilityZones: zones.value, launchTemplate: template.value });
    group.settings = applySettings(group.settings, update.settings ?? {});
    this.#reconcile(group);
    return ok(undefined);
  }

  /**
   * Terminates exactly this instance. With `decrement` the group shrinks by one (refused at
   * MinSize); without, the group launches a replacement. Asking again for an instance that is
   * already Terminating returns its termination activity and changes nothing.
   */
  terminateInstance(instanceId: string, decrement: boolean): Result<ActivitySnapshot> {
    const instance = this.#fleet.get(instanceId);
    const group = instance && this.#groups.get(instance.group);
    if (!instance || !group || instance.lifecycle === 'Terminated') return fail(instanceNotManaged(instanceId));
    const earlier = this.#fleet.terminationOf(instanceId);
    if (instance.lifecycle === 'Terminating' && earlier) return ok(snapshotActivity(earlier));
    if (decrement && group.desiredCapacity <= group.minSize) {
      return fail(validation(`Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`));
    }
    const from = group.desiredCapacity;
    if (decrement) group.desiredCapacity--;
    group.trigger = words.userTerminateTrigger(this.#clock.now(), instanceId, decrement ? { from, to: group.desiredCapacity } : undefined);
    const activity = this.#fleet.terminate(group, instance, group.trigger, 'user-request');
    this.#reconcile(group);
    return ok(snapshotActivity(activity));
  }

  setInstanceProtection(name: string, instanceIds: readonly string[], protect: boolean): Result<void> {
    const group = this.#groups.get(name);
    if (!group) return fail(groupNotFound(name, 'SetInstanceProtection'));
    if (instanceIds.length > 50) return fail(constraint('instanceIds', `[${instanceIds.join(', ')}]`, 'Member must have length less than or equal to 50'));
    const members = this.#fleet.members(name);
    const chosen: InstanceRecord[] = [];
    for (const id of instanceIds) {
      const instance = members.find((i) => i.instanceId === id);
      if (!instance) return fail(validation(`The instance ${id} is not part of Auto Scaling group ${name}.`));
      chosen.push(instance);
    }
    for (const instance of chosen) instance.protectedFromScaleIn = protect;
    // Lifting protection may let a scale-in that was blocked go ahead.
    this.#reconcile(group);
    return ok(undefined);
  }

  /** No process names means all of them, as AWS documents. */
  suspendProcesses(name: string, processes: readonly string[] = []): Result<void> {
    return this.#withProcesses(name, 'SuspendProcesses', processes, (group, chosen) => {
      const reason = words.suspensionReason(this.#clock.now());
      for (const p of chosen) if (!group.suspended.has(p)) group.suspended.set(p, reason);
    });
  }

  resumeProcesses(name: string, processes: readonly string[] = []): Result<void> {
    return this.#withProcesses(name, 'ResumeProcesses', processes, (group, chosen) => {
      for (const p of chosen) group.suspended.delete(p);
      this.#reconcile(group);
    });
  }

  #withProcesses(name: string, action: string, processes: readonly string[], apply: (group: GroupRecord, chosen: readonly ScalingProcess[]) => void): Result<void> {
    const group = this.#groups.get(name);
    if (!group) return fail(groupNotFound(name, action));
    const unknown = processes.filter((p) => !isScalingProcess(p));
    // Wording not found verbatim.
    if (unknown.length > 0) return fail(validation(`Unknown process names: ${unknown.join(', ')}`));
    apply(group, processes.length === 0 ? SCALING_PROCESSES : (processes as ScalingProcess[]));
    return ok(undefined);
  }

  /** The activity that keeps a HonorCooldown request out: one in progress, else the last one if its cooldown has not passed. */
  #cooldownActivity(group: GroupRecord): ActivitySnapshot | undefined {
    const mine = this.#fleet.activities().filter((a) => a.group === group.name && !a.preexisting);
    const running = mine.find((a) => a.statusCode === 'InProgress');
    if (running) return snapshotActivity(running);
    const last = mine.reduce<(typeof mine)[number] | undefined>((latest, a) => (latest === undefined || (a.endTime ?? 0) > (latest.endTime ?? 0) ? a : latest), undefined);
    const cooledAt = last?.endTime === undefined ? undefined : last.endTime + group.settings.defaultCooldown * 1000;
    return cooledAt !== undefined && this.#clock.now() < cooledAt ? snapshotActivity(last!) : undefined;
  }

  /**
   * New zones must be the region's; a zone that still has live instances may not be dropped:
   * AWS would move them (rebalance), which the simulator does not model.
   */
  #checkZones(group: GroupRecord, zones: readonly string[]): Result<readonly string[]> {
    // Wording not found verbatim.
    const foreign = zones.find((z) => !new RegExp(`^${this.region}[a-z]$`).test(z));
    if (foreign !== undefined) return fail(validation(`The availability zone ${foreign} is not in region ${this.region}.`));
    const stranded = this.#fleet.live(group.name).find((i) => !zones.includes(i.availabilityZone));
    // Not AWS's words: AWS would accept and rebalance the zone's instances away.
    if (stranded) return fail(validation(`The simulator does not model removing zone ${stranded.availabilityZone} while instances run in it (${stranded.instanceId}).`));
    return ok([...new Set(zones)]);
  }

  #settled(instance: InstanceRecord): void {
    const group = this.#groups.get(instance.group);
    if (!group) return;
    if (group.rebalance?.instanceId === instance.instanceId) {
      const { zone } = group.rebalance;
      group.rebalance = undefined;
      this.#reconcile(group, { trigger: words.rebalanceTerminateTrigger(this.#clock.now(), zone), reason: 'az-rebalance' });
      return;
    }
    this.#reconcile(group);
  }

  /**
   * The one place the group acts on its own: API calls, finished launches and terminations,
   * and launch retries all end here, so the group's size is level-based like AWS's.
   */
  #reconcile(group: GroupRecord, context: Context = { trigger: group.trigger, reason: 'scale-in' }): void {
    const at = this.#clock.now();
    const live = this.#fleet.live(group.name);
    const pendingRebalance = group.rebalance && this.#fleet.get(group.rebalance.instanceId)?.lifecycle === 'Pending';
    if (!pendingRebalance) group.rebalance = undefined;
    // While AZRebalance's extra instance launches the group is allowed one above desired.
    const target = group.desiredCapacity + (pendingRebalance ? 1 : 0);
    const zones = group.availabilityZones;
    if (live.length < target) {
      if (group.suspended.has('Launch')) return;
      const cause = words.launchCause(context.trigger, at, live.length, target);
      const launched = launchZones(zones, live, target - live.length).map((zone) => this.#fleet.launch(group, zone, cause));
      if (launched.includes(undefined)) this.#retryLater(group);
    } else if (live.length > target) {
      if (group.suspended.has('Terminate')) return;
      for (const victim of pickVictims(zones, live, live.length - target, { policies: group.settings.terminationPolicies, now: at })) {
        this.#fleet.terminate(group, victim, words.scaleInCause(context.trigger, at, { from: live.length, to: target }, victim.instanceId), context.reason);
      }
    } else if (this.#mayRebalance(group)) {
      const zone = rebalanceZone(zones, live);
      if (zone === undefined) return;
      const instance = this.#fleet.launch(group, zone, words.rebalanceLaunchTrigger(at));
      if (instance) group.rebalance = { instanceId: instance.instanceId, zone };
      else this.#retryLater(group);
    }
  }

  /** EC2 refused a launch: try again later, once per group however many launches failed. */
  #retryLater(group: GroupRecord): void {
    if (this.#retrying.has(group.name)) return;
    this.#retrying.add(group.name);
    this.#clock.after(this.#launchRetryMs, () => {
      this.#retrying.delete(group.name);
      this.#reconcile(group);
    });
  }

  /** Rebalancing needs Launch and Terminate too, and waits until no instance is launching or terminating. */
  #mayRebalance(group: GroupRecord): boolean {
    if ((['AZRebalance', 'Launch', 'Terminate'] as const).some((p) => group.suspended.has(p))) return false;
    return this.#fleet.members(group.name).every((i) => i.lifecycle === 'InService');
  }
}

function checkSpec(spec: GroupSpec, exists: boolean): void {
  const problems = [
    exists && `a group named ${spec.name} already exists`,
    spec.availabilityZones.length === 0 && 'it has no availability zones',
    !(spec.minSize >= 0 && spec.minSize <= spec.desiredCapacity && spec.desiredCapacity <= spec.maxSize) && `min ${spec.minSize} ≤ desired ${spec.desiredCapacity} ≤ max ${spec.maxSize} does not hold`,
    ...(spec.suspendedProcesses ?? []).filter((p) => !isScalingProcess(p)).map((p) => `${p} is not a scaling process`),
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw new RangeError(`group spec ${spec.name}: ${problems.join('; ')}`);
}

/**
 * UpdateAutoScalingGroup's LaunchTemplate. The simulator knows one template per group, in
 * versions 1 to the scenario's; the version is stored as given ($Latest and $Default too).
 * Wording of the refusals as found for CreateAutoScalingGroup; the version one not verbatim.
 */
function checkTemplate(group: GroupRecord, t: TemplateUpdate): Result<LaunchTemplateRef> {
  const own = group.launchTemplate;
  const invalid = (why: string) => fail<LaunchTemplateRef>(validation(`You must use a valid fully-formed launch template. ${why}`));
  if ((t.id === undefined) === (t.name === undefined)) return invalid('Valid requests must contain either launchTemplateId or LaunchTemplateName.');
  if (t.id !== undefined && t.id !== own.id) return invalid(`The specified launch template, with template ID ${t.id}, does not exist.`);
  if (t.name !== undefined && t.name !== own.name) return invalid(`The specified launch template, with template name ${t.name}, does not exist.`);
  const version = t.version ?? '$Default';
  const known = version === '$Latest' || version === '$Default' || (/^\d+$/.test(version) && Number(version) >= 1 && Number(version) <= group.latestTemplateVersion);
  if (!known) return invalid(`The specified launch template version ${version} of ${own.id} does not exist.`);
  return ok({ ...own, version });
}
