// From text (or a file) to a checked Descriptor, the way schedules and scenarios load: JSON
// syntax, duplicate keys, the JSON Schema, then the consistency checks, then (when the
// caller has one: the deployer does) the operator's policy, every problem located at
// file:line:column. The REST API checks request bodies with checkDescriptorText.

import type { Diagnostic } from '../../json/diagnostics.js';
import { checkJsonDocument, locateAll, type Problem, readDocument } from '../../json/document.js';
import { descriptorProblems } from './consistency.js';
import { withDefaults } from './defaults.js';
import { type DeployerPolicy, type PolicyViolation, policyViolations, redactUrlsIn } from './policy/index.js';
import type { Descriptor, DescriptorDocument } from './types.js';

export const DESCRIPTOR_SCHEMA_URL = new URL('../../../deployer/descriptor.schema.json', import.meta.url);

const CODES = {
  read: 'SCALERD_ERR_DESCRIPTOR_READ',
  json: 'SCALERD_ERR_DESCRIPTOR_JSON',
  duplicateKey: 'SCALERD_ERR_DESCRIPTOR_DUPLICATE_KEY',
  schema: 'SCALERD_ERR_DESCRIPTOR_SCHEMA',
} as const;

export type DescriptorResult =
  | {
    readonly ok: true;
    readonly descriptor: Descriptor;
    /** As written: what is stored and shown back. */
    readonly document: DescriptorDocument;
    /** Warnings only. */
    readonly diagnostics: readonly Diagnostic[];
  }
  | {
    readonly ok: false;
    readonly diagnostics: readonly Diagnostic[];
    /** The policy rules broken (their diagnostics have the code SCALERD_ERR_DESCRIPTOR_POLICY); empty when the policy was not reached. */
    readonly violations: readonly PolicyViolation[];
  };

/**
 * Checks a descriptor's text; `name` (a file name, "request body") is what diagnostics show.
 * With a policy, a descriptor that breaks it is refused too (after every other check passed).
 */
export function checkDescriptorText(text: string, name: string, policy?: DeployerPolicy): DescriptorResult {
  const checked = checkJsonDocument(text, name, DESCRIPTOR_SCHEMA_URL, CODES);
  if (!checked.ok) return refused(checked.diagnostics, []);
  const document = checked.value as DescriptorDocument;
  const diagnostics = locateAll(name, checked.map, descriptorProblems(document));
  if (diagnostics.some((d) => d.severity === 'error')) return refused(diagnostics, []);
  const violations = policy === undefined ? [] : policyViolations(document, policy);
  if (violations.length > 0) return refused([...diagnostics, ...locateAll(name, checked.map, violations.map(asProblem))], violations);
  return { ok: true, descriptor: withDefaults(document), document, diagnostics };
}

export async function loadDescriptorFile(path: string): Promise<DescriptorResult> {
  const read = await readDocument(path, CODES.read, 'check the path; example descriptors are in examples/descriptors/');
  if (!read.ok) return refused([read.diagnostic], []);
  return checkDescriptorText(read.text, path);
}

/** A policy violation as a diagnostic: the rule leads the message. */
export function asProblem(v: PolicyViolation): Problem {
  return { code: 'SCALERD_ERR_DESCRIPTOR_POLICY', severity: 'error', pointer: v.pointer, message: `${v.rule}: ${v.message}`, hint: v.hint };
}

/**
 * IMPORTANT: a webhook URL with credentials is refused, and its refusal must not repeat
 * them: a schema message quotes the value it refused, so every message is redacted here,
 * before any caller can log or answer it.
 */
function refused(diagnostics: readonly Diagnostic[], violations: readonly PolicyViolation[]): DescriptorResult {
  return { ok: false, diagnostics: diagnostics.map((d) => ({ ...d, message: redactUrlsIn(d.message), hint: redactUrlsIn(d.hint) })), violations };
}
