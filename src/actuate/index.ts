// The actuator: executes a Plan through the ports, keeping every scale-down invariant of
// ARCHITECTURE.md, recording progress on the nodes themselves so a restart resumes it.
export { execute } from './execute.js';
export {
  DEFAULT_EXECUTE_OPTIONS, backoffMs, checkExecuteOptions, resolveExecuteOptions,
  type Backoff, type ExecuteOptions, type ExecuteOptionsInput, type PodPolicyOptions,
} from './options.js';
export { timerSleep } from './types.js';
export type * from './types.js';
