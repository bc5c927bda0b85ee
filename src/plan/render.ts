// The plan for people (`scalerd scale --dry-run`, logs) and for structured logs. Pure.

import { formatCpu, formatInstant, formatMemory, plural } from './format.js';
import type { Change, Plan, Step } from './types.js';

type Fields = Record<string, string | number | boolean>;

const arrow = (c: Change | undefined) => (c ? `${c.from} → ${c.to}` : undefined);

/** One line saying what the step does. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'suspend-processes':
      return `suspend ${step.processes.join(', ')} on ${step.asg} (${step.group})`;
    case 'scale-workload': {
      const parts = [
        step.replicas && `replicas ${arrow(step.replicas)}`,
        step.hpa?.minReplicas && `HPA ${step.hpa.name} minReplicas ${arrow(step.hpa.minReplicas)}`,
        step.hpa?.maxReplicas && `HPA ${step.hpa.name} maxReplicas ${arrow(step.hpa.maxReplicas)}`,
        ...Object.entries({ ...step.annotate.workload, ...step.annotate.hpa }).map(([k, v]) => (v === null ? `forget ${k}` : `record ${k}=${v}`)),
      ].filter(Boolean);
      return `scale ${step.workload.kind} ${step.workload.key} ${step.direction}: ${parts.join(', ')}`;
    }
    case 'rollback-node':
      return `roll back ${step.node}${step.instanceId ? ` (${step.instanceId})` : ''}: untaint, uncordon, unannotate (was ${step.phase})`;
    case 'terminate-unjoined':
      return `terminate ${step.instanceId} in ${step.asg} (${step.cause}${step.node ? `, node ${step.node}` : ''})`;
    case 'scale-up':
      return `scale up ${step.asg}: desired + ${step.add} (observed ${step.observedDesired}; ${step.target} once this plan is done; MaxSize ${step.maxSize})`;
    case 'resume-node':
      return `resume ${step.node} (${step.instanceId}, ${step.zone}) from ${step.phase}: ${step.actions.join(', ')}; ${plural(step.pods.length, 'pod')} to evict`;
    case 'drain-node':
      return `remove ${step.node} (${step.instanceId}, ${step.zone}): mark, ${step.actions.join(', ')}; ${plural(step.pods.length, 'pod')} to evict${podSize(step.pods)}`;
    case 'await-nodes':
      return `wait until Ready: ${step.groups.map((g) => `${g.group} ${g.ready}/${g.want}`).join(', ')} (until ${formatInstant(step.deadline)})`;
    case 'complete':
      return `complete: ${plural(step.nodesReady, 'node')} Ready, ${plural(step.workloadsAvailable, 'workload')} available`;
  }
}

function podSize(pods: readonly { readonly requests: { readonly cpuMilli: number; readonly memoryBytes: number } }[]): string {
  if (pods.length === 0) return '';
  const cpu = pods.reduce((n, p) => n + p.requests.cpuMilli, 0);
  const mem = pods.reduce((n, p) => n + p.requests.memoryBytes, 0);
  return ` (${formatCpu(cpu)}, ${formatMemory(mem)})`;
}

/** Structured log fields of a step: flat, stable keys. */
export function stepLogFields(step: Step): Fields {
  const fields: Fields = { step: step.kind };
  const put = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  switch (step.kind) {
    case 'suspend-processes':
      Object.assign(fields, { group: step.group, asg: step.asg, processes: step.processes.join(',') });
      break;
    case 'scale-workload':
      Object.assign(fields, { workload: step.workload.key, kind: step.workload.kind, direction: step.direction, expected: step.expected });
      put('replicas', arrow(step.replicas));
      put('hpa', step.hpa?.name);
      put('minReplicas', arrow(step.hpa?.minReplicas));
      put('maxReplicas', arrow(step.hpa?.maxReplicas));
      break;
    case 'rollback-node':
      put('group', step.group);
      put('asg', step.asg);
      fields.node = step.node;
      put('instance', step.instanceId);
      fields.phase = step.phase;
      break;
    case 'terminate-unjoined':
      Object.assign(fields, { group: step.group, asg: step.asg, instance: step.instanceId, zone: step.zone, cause: step.cause });
      put('node', step.node);
      break;
    case 'scale-up':
      Object.assign(fields, { group: step.group, asg: step.asg, add: step.add, observedDesired: step.observedDesired, target: step.target });
      break;
    case 'resume-node':
    case 'drain-node':
      Object.assign(fields, { group: step.group, asg: step.asg, node: step.node, instance: step.instanceId, zone: step.zone, pods: step.pods.length, actions: step.actions.join(',') });
      if (step.kind === 'resume-node') fields.phase = step.phase;
      break;
    case 'await-nodes':
      Object.assign(fields, { groups: step.groups.map((g) => `${g.group}=${g.ready}/${g.want}`).join(','), deadline: formatInstant(step.deadline) });
      break;
    case 'complete':
      Object.assign(fields, { nodesReady: step.nodesReady, workloadsAvailable: step.workloadsAvailable });
      break;
  }
  fields.reason = step.reason;
  return fields;
}

/** How many plain "not needed" nodes of a group get a line each. */
const LISTED_NOT_NEEDED = 3;

/**
 * One line per node not chosen, except the plain "not needed" ones past the first few of a
 * group: on a large cluster those are nearly every node, and one line says it for them.
 */
function notChosenLines(notChosen: Plan['notChosen']): string[] {
  const lines: string[] = [];
  const notNeeded = new Map<string, Plan['notChosen'][number][]>();
  for (const n of notChosen) {
    if (n.code === 'not-needed') notNeeded.set(n.group, [...(notNeeded.get(n.group) ?? []), n]);
    else lines.push(`${n.group}/${n.node} (${n.instanceId}, ${n.zone}): ${n.reason}`);
  }
  for (const [group, nodes] of notNeeded) {
    if (nodes.length <= LISTED_NOT_NEEDED) {
      lines.push(...nodes.map((n) => `${n.group}/${n.node} (${n.instanceId}, ${n.zone}): ${n.reason}`));
    } else {
      const names = `${nodes.slice(0, LISTED_NOT_NEEDED).map((n) => n.node).join(', ')} and ${nodes.length - LISTED_NOT_NEEDED} more`;
      lines.push(`${group}: ${nodes.length} nodes not needed: ${group} reaches its target without them (${names})`);
    }
  }
  return lines;
}

/** The whole plan as lines of text. */
export function renderPlan(plan: Plan): string[] {
  const lines = [`plan at ${formatInstant(plan.at)} (owner ${plan.owner}): ${plural(plan.steps.length, 'step')}`];
  for (const g of plan.groups) {
    const target = g.target === undefined ? 'not scaled' : `target ${g.target}`;
    lines.push(`  ${g.group} (${g.asg}): ${g.direction}, desired ${g.observedDesired}, ${target}, MinSize ${g.minSize}, MaxSize ${g.maxSize}, ${g.readyNodes} Ready; removing ${g.removing}, adding ${g.adding}`);
  }
  if (plan.steps.length === 0) lines.push('nothing to do');
  plan.steps.forEach((step, i) => {
    lines.push(`${i + 1}. ${describeStep(step)}`);
    lines.push(`   why: ${step.reason}`);
  });
  const section = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    lines.push(`${title}:`);
    for (const item of items) lines.push(`  - ${item}`);
  };
  section('blocked', plan.blocked.map((b) => b.message));
  section('not chosen', notChosenLines(plan.notChosen));
  section('budgets', plan.budgets.map((b) => `${b.budget}: ${plural(b.allowedNow, 'disruption')} allowed now, ${plural(b.toEvict, 'pod')} to evict${b.waves === undefined ? ', waiting for healthy pods' : `, at least ${plural(b.waves, 'wave')}`}`));
  const moving = Object.values(plan.placement);
  if (moving.length > 0) lines.push(`fit: room found for ${plural(moving.length, 'moving pod')} on ${plural(new Set(moving).size, 'staying node')}`);
  section('waiting', plan.waiting);
  return lines;
}
