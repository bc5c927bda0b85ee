// The schedule: format v1, validation with located diagnostics, and pure evaluation.
export { checkScheduleText, loadScheduleFile, type CheckResult } from './load.js';
export { desiredAt, timeline, timelineStream, nextBoundary, diffStates, type Timeline, type TimelineStream, type Transition, type Change } from './evaluate.js';
export { clampState } from './limits.js';
export { formatDiagnostic, formatDiagnosticForTerminal, type Diagnostic } from '../json/diagnostics.js';
export { formatLocal, formatUtc } from './format.js';
export { Zone } from './zone.js';
export type { Schedule, State, Desired, Source, NodeGroup, Workload, Window, WindowClass } from './types.js';
