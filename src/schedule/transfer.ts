// A compiled schedule as plain data, to cross from the worker thread that checks a
// schedule (src/daemon/schedule-check.ts) to the daemon's own thread. Structured cloning
// keeps plain objects, arrays and Sets, but not the class instances (Zone, DaySet) nor the
// prototype-less records (src/records.ts), which are rebuilt here in time linear in size.

import { copyDict } from '../records.js';
import { DaySet } from './day-set.js';
import type { PartialState, Schedule, State, Window } from './types.js';
import { Zone } from './zone.js';

type WindowData = Omit<Window, 'zone' | 'alsoOn' | 'exceptOn'> & {
  readonly zone: string;
  readonly alsoOn: [number, number][];
  readonly exceptOn: [number, number][];
};

export type ScheduleData = Omit<Schedule, 'zone' | 'windows'> & { readonly zone: string; readonly windows: readonly WindowData[] };

export function scheduleToData(schedule: Schedule): ScheduleData {
  return {
    ...schedule,
    zone: schedule.zone.name,
    windows: schedule.windows.map((w) => ({ ...w, zone: w.zone.name, alsoOn: w.alsoOn.ranges(), exceptOn: w.exceptOn.ranges() })),
  };
}

export function scheduleFromData(data: ScheduleData): Schedule {
  const zone = (name: string): Zone => {
    const found = Zone.find(name);
    if (!found) throw new Error(`time zone ${name} is known to the thread that checked the schedule but not to this one`);
    return found;
  };
  const state = (s: State | PartialState): State => ({ capacity: copyDict(s.capacity as State['capacity']), replicas: copyDict(s.replicas as State['replicas']) });
  return {
    ...data,
    zone: zone(data.zone),
    defaults: state(data.defaults),
    windows: data.windows.map((w) => ({ ...w, zone: zone(w.zone), alsoOn: DaySet.of(w.alsoOn), exceptOn: DaySet.of(w.exceptOn), set: state(w.set) })),
  };
}
