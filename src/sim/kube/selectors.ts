// Label and field selectors as the API server parses them (k8s.io/apimachinery labels
// and fields packages), for the subset clients send.

import { badRequest } from './api-error.js';
import type { KubeObject } from './store.js';

type Requirement =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: Set<string> }
  | { key: string; op: 'exists' | '!' };

export type Matcher = (object: KubeObject) => boolean;

const matchAll: Matcher = () => true;

/** "app=web,tier!=cache,env in (prod,staging),!legacy,canary" */
export function parseLabelSelector(selector: string | undefined): Matcher {
  if (!selector) return matchAll;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case '=': return has && value === r.value;
        case '!=': return !has || value !== r.value;
        case 'in': return has && r.values.has(value!);
        case 'notin': return !has || !r.values.has(value!);
        case 'exists': return has;
        case '!': return !has;
      }
    });
  };
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function parseRequirement(text: string): Requirement {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: new Set(m[3]!.split(',').map((v) => v.trim()).filter(Boolean)) };
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(text);
  if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  m = /^!\s*([\w./-]+)$/.exec(text);
  if (m) return { key: m[1]!, op: '!' };
  m = /^([\w./-]+)$/.exec(text);
  if (m) return { key: m[1]!, op: 'exists' };
  throw badRequest(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt`);
}

/** The fields each resource supports in field selectors, and how to read them. */
const FIELDS: Record<string, Record<string, (object: KubeObject) => string | undefined>> = {
  '*': {
    'metadata.name': (o) => o.metadata.name,
    'metadata.namespace': (o) => o.metadata.namespace ?? '',
  },
  pods: {
    'spec.nodeName': (o) => ((o.spec as { nodeName?: string } | undefined)?.nodeName ?? ''),
    'status.phase': (o) => ((o.status as { phase?: string } | undefined)?.phase ?? ''),
    'spec.schedulerName': (o) => ((o.spec as { schedulerName?: string } | undefined)?.schedulerName ?? 'default-scheduler'),
    'spec.restartPolicy': (o) => ((o.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? 'Always'),
    'status.podIP': (o) => ((o.status as { podIP?: string } | undefined)?.podIP ?? ''),
  },
  nodes: { 'spec.unschedulable': (o) => String((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable ?? false) },
  // The API server's event fields (pkg/registry/core/event/strategy.go): `kubectl describe`
  // selects on involvedObject name, namespace, kind and uid; "source" falls back to the
  // reporting component, as there.
  events: {
    ...Object.fromEntries(['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((field) => [
      `involvedObject.${field}`,
      (o: KubeObject) => String((o.involvedObject as Record<string, unknown> | undefined)?.[field] ?? ''),
    ])),
    reason: (o) => String(o.reason ?? ''),
    reportingComponent: (o) => String(o.reportingComponent ?? ''),
    source: (o) => String((o.source as { component?: string } | undefined)?.component || (o.reportingComponent ?? '')),
    type: (o) => String(o.type ?? ''),
  },
};

/** "spec.nodeName=node-1,status.phase!=Succeeded" */
export function parseFieldSelector(resource: string, selector: string | undefined): Matcher {
  if (!selector) return matchAll;
  const fields = { ...FIELDS['*'], ...FIELDS[resource] };
  const terms = selector.split(',').filter(Boolean).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const read = fields[m[1]!];
    if (!read) throw badRequest(`field label not supported: ${m[1]}`);
    return { read, negate: m[2] === '!=', value: m[3]! };
  });
  return (object) => terms.every((t) => (t.read(object) === t.value) !== t.negate);
}

/** The value a field selector requires for one field, if it pins one (for index lookups). */
export function pinnedField(selector: string | undefined, field: string): string | undefined {
  for (const term of (selector ?? '').split(',')) {
    const m = /^([\w.]+)\s*(==|=)\s*(.*)$/.exec(term.trim());
    if (m && m[1] === field) return m[3];
  }
  return undefined;
}
