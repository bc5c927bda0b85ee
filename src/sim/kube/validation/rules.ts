// The API server's semantic validation (pkg/apis/*/validation) for the rules this project
// depends on: names per kind, labels and annotations, workload selectors (required,
// matching the template, immutable), non-negative replicas, pod containers, budgets'
// minAvailable/maxUnavailable. Types, required fields and enums come from the schema.

import { labelSelectorMatcher } from '../pdb.js';
import type { KubeObject } from '../store.js';
import { type FieldError, forbidden, invalidValue, notSupported, required } from './field-error.js';
import { GoRendered, goLabelSelector, goStringMap } from './go-format.js';
import { type NameRule, isDns1035Label, isDns1123Label, isDns1123Subdomain, isPathSegmentName, validateLabelSelector, validateLabels, validateObjectMeta } from './meta.js';

type Loose = Record<string, any>;

/** Name rules differ by kind: a namespace is a DNS label, a Service a DNS-1035 label, an HPA a URL segment. */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  namespaces: isDns1123Label,
  services: isDns1035Label,
  'horizontalpodautoscalers.autoscaling': isPathSegmentName,
};

/** What each workload's validation calls an empty selector (ReplicaSet says "deployment" upstream too). */
const WORKLOADS: Readonly<Record<string, string>> = {
  'deployments.apps': 'deployment',
  'replicasets.apps': 'deployment',
  'statefulsets.apps': 'statefulset',
  'daemonsets.apps': 'daemonset',
};

/** Field errors of `object` (store key `resource`), written anew or over `old`. */
export function validateObject(resource: string, object: Loose, old?: Loose): FieldError[] {
  const errors = validateObjectMeta(object.metadata, NAME_RULES[resource] ?? isDns1123Subdomain);
  const spec = (object.spec ?? {}) as Loose;
  if (resource in WORKLOADS) {
    errors.push(...workloadSpec(resource, spec));
    if (old) errors.push(...workloadUpdate(resource, spec, (old.spec ?? {}) as Loose));
  }
  if (resource === 'pods') errors.push(...podSpec(spec, 'spec', true));
  if (resource === 'poddisruptionbudgets.policy') errors.push(...budgetSpec(spec));
  return errors;
}

function workloadSpec(resource: string, spec: Loose): FieldError[] {
  const errors: FieldError[] = [];
  if (resource !== 'daemonsets.apps') errors.push(...nonNegative(spec.replicas, 'spec.replicas'));
  const selector = spec.selector as Loose | undefined;
  const template = (spec.template ?? {}) as Loose;
  // No selector selects nothing: the template's labels cannot match it.
  if (!selector) errors.push(invalidValue('spec.template.metadata.labels', new GoRendered(goStringMap(template.metadata?.labels)), '`selector` does not match template `labels`'));
  if (selector) {
    const selectorErrors = validateLabelSelector(selector, 'spec.selector');
    errors.push(...selectorErrors);
    const empty = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
    if (empty) errors.push(invalidValue('spec.selector', new GoRendered(goLabelSelector(selector)), `empty selector is invalid for ${WORKLOADS[resource]}`));
    const labels = (template.metadata?.labels ?? {}) as Record<string, string>;
    if (!empty && selectorErrors.length === 0 && !labelSelectorMatcher(selector)({ metadata: { labels } } as unknown as KubeObject)) {
      errors.push(invalidValue('spec.template.metadata.labels', new GoRendered(goStringMap(template.metadata?.labels)), '`selector` does not match template `labels`'));
    }
  }
  errors.push(...validateLabels(template.metadata?.labels, 'spec.template.metadata.labels'));
  const podTemplate = (template.spec ?? {}) as Loose;
  errors.push(...podSpec(podTemplate, 'spec.template.spec', false));
  if (podTemplate.restartPolicy !== undefined && podTemplate.restartPolicy !== 'Always') {
    errors.push(notSupported('spec.template.spec.restartPolicy', podTemplate.restartPolicy, ['Always']));
  }
  return errors;
}

/**
 * apps/v1 selectors cannot change. A StatefulSet allows changes to a few spec fields only,
 * and says so for the rest.
 */
function workloadUpdate(resource: string, spec: Loose, old: Loose): FieldError[] {
  if (resource === 'statefulsets.apps') {
    const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
    const rest = (s: Loose) => JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k]) => !mutable.includes(k)).sort(([a], [b]) => a.localeCompare(b))));
    if (rest(spec) === rest(old)) return [];
    return [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
  }
  if (JSON.stringify(spec.selector ?? null) === JSON.stringify(old.selector ?? null)) return [];
  return [invalidValue('spec.selector', new GoRendered(goLabelSelector(spec.selector)), 'field is immutable')];
}

/** A pod needs an image per container; a template may leave it to be filled in (as the OpenAPI says of Container.image). */
function podSpec(spec: Loose, field: string, isPod: boolean): FieldError[] {
  const containers = (spec.containers ?? []) as Loose[];
  if (containers.length === 0) return [required(`${field}.containers`)];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((container, i) => {
    const at = `${field}.containers[${i}]`;
    if (typeof container.name === 'string') {
      if (seen.has(container.name)) errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: container.name, detail: '' });
      seen.add(container.name);
      errors.push(...isDns1123Label(container.name).map((m) => invalidValue(`${at}.name`, container.name, m)));
    }
    if (isPod && !container.image) errors.push(required(`${at}.image`));
  });
  return errors;
}

function budgetSpec(spec: Loose): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errors.push(invalidValue('spec', new GoRendered(budgetSpecGo(spec)), 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const name of ['minAvailable', 'maxUnavailable'] as const) errors.push(...intOrPercent(spec[name], `spec.${name}`));
  errors.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  return errors;
}

/** ValidatePositiveIntOrPercent and IsValidPercent, then at most 100%. */
function intOrPercent(value: unknown, field: string): FieldError[] {
  if (typeof value === 'number') return nonNegative(value, field);
  if (typeof value !== 'string') return [];
  const match = /^([0-9]+)%$/.exec(value);
  if (!match) return [invalidValue(field, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  return Number(match[1]) > 100 ? [invalidValue(field, value, 'must not be greater than 100%')] : [];
}

function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalidValue(field, value, 'must be greater than or equal to 0')] : [];
}

/** policy.PodDisruptionBudgetSpec as %#v shows it, pointers as the types they point to. */
function budgetSpecGo(spec: Loose): string {
  const intstr = (v: unknown) => (v === undefined ? '(*intstr.IntOrString)(nil)' : typeof v === 'number' ? `intstr.FromInt32(${v})` : `intstr.FromString(${JSON.stringify(v)})`);
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${intstr(spec.minAvailable)}, Selector:${goLabelSelector(spec.selector)}, MaxUnavailable:${intstr(spec.maxUnavailable)}}`;
}
