// A compiled schedule as plain data, to cross from the worker thread that checks a
// schedule (src/daemon/schedule-check.ts) to the daemon's own thread. Structured cloning
// keeps plain objects, arrays and Sets, but not the class instances (Zone, DaySet) nor the
// prototype-less records (src/records.ts), which are rebuilt here in time linear in size.

import { copyDict } from '../records.js';
import { DaySet } from './day-set.js';
import type { Desired, PartialState, Schedule, State, Window } from './types.js';
import { Zone } from './zone.js';

export type WindowData = Omit<Window, 'zone' | 'alsoOn' | 'exceptOn'> & {
  readonly zone: string;
  readonly alsoOn: [number, number][];
  readonly exceptOn: [number, number][];
};

export type ScheduleData = Omit<Schedule, 'zone' | 'windows'> & { readonly zone: string; readonly windows: readonly WindowData[] };

export function windowToData(w: Window): WindowData {
  return { ...w, zone: w.zone.name, alsoOn: w.alsoOn.ranges(), exceptOn: w.exceptOn.ranges() };
}

export function scheduleToData(schedule: Schedule): ScheduleData {
  return { ...schedule, zone: schedule.zone.name, windows: schedule.windows.map(windowToData) };
}

/** A desiredAt answer after a structured clone: its records without a prototype again. */
export function desiredFromData(data: Desired): Desired {
  return { state: stateFromData(data.state), sources: { capacity: copyDict(data.sources.capacity), replicas: copyDict(data.sources.replicas) } };
}

export function windowFromData(w: WindowData): Window {
  return { ...w, zone: zoneNamed(w.zone), alsoOn: DaySet.of(w.alsoOn), exceptOn: DaySet.of(w.exceptOn), set: stateFromData(w.set) };
}

/** `windows`: when they crossed apart (schedule-check.ts sends a large schedule's windows in parts). */
export function scheduleFromData(data: ScheduleData, windows: readonly Window[] = data.windows.map(windowFromData)): Schedule {
  return { ...data, zone: zoneNamed(data.zone), defaults: stateFromData(data.defaults), windows };
}

function zoneNamed(name: string): Zone {
  const found = Zone.find(name);
  if (!found) throw new Error(`time zone ${name} is known to the thread that checked the schedule but not to this one`);
  return found;
}

function stateFromData(s: State | PartialState): State {
  return { capacity: copyDict(s.capacity as State['capacity']), replicas: copyDict(s.replicas as State['replicas']) };
}
