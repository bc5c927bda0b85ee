// The planner: (desired, observed, now) → Plan. Pure. The actuator executes the plan and
// shares the names below (marks, predicates) so both read the cluster the same way.
export { plan, STEP_ORDER, type PlanInput, type DesiredInput } from './plan.js';
export type * from './types.js';
export {
  SCALE_DOWN_TAINT, SCALE_DOWN_ANNOTATION, SCALE_DOWN_DISABLED_ANNOTATION, SAFE_TO_EVICT_ANNOTATION,
  ORIGINAL_REPLICAS_ANNOTATION, ORIGINAL_MIN_REPLICAS_ANNOTATION, ORIGINAL_MAX_REPLICAS_ANNOTATION, AZ_REBALANCE,
  PHASES, PHASE_TRANSITIONS, canAdvance, canRollBack, readMark, formatMark, scaleDownTaint, markChange, phaseChange, rollbackChange,
  type Phase, type Mark, type MarkReading,
} from './marks.js';
export { STARTUP_TAINTS } from './context.js';
export { DEFAULT_PLAN_OPTIONS, resolveOptions, checkPlanOptions, type PlanOptions, type PlanOptionsInput, type PodPolicy } from './options.js';
export { classifyPod, classifyNodePods, movingPod, POD_PREDICATES, type PodPredicate, type PodStatus, type PodVerdict, type PodContext, type NodePods } from './pods.js';
export { NODE_PREDICATES, judgeNode, type NodePredicate, type NodeCandidate, type NodeSkip } from './nodes.js';
export { computeBudgets, pdbKey, type Budget, type Budgets } from './budgets.js';
export { fitPods, fitNode, fitPod, makePacker, type FitNode, type FitPod, type FitResult, type Packer } from './fit.js';
export { replaySchedule, schedulerFits } from './scheduler-order.js';
export { matchNodes, isCounted, type Instance, type Member, type Matching } from './match.js';
export { renderPlan, describeStep, stepLogFields } from './render.js';
