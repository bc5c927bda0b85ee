// The engine: one observation of the world and one reconcile (observe → plan → execute).
export { observe, type ObserveInput, type ObservedSchedule } from './observe.js';
export { act, decide, reconcileOnce, type Decision, type ReconcileInput, type ReconcileResult } from './reconcile.js';
