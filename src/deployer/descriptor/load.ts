// From text (or a file) to a checked Descriptor, the way schedules and scenarios load: JSON
// syntax, duplicate keys, the JSON Schema, then the consistency checks, every problem
// located at file:line:column. The REST API checks request bodies with checkDescriptorText.

import type { Diagnostic } from '../../json/diagnostics.js';
import { checkJsonDocument, locateAll, readDocument } from '../../json/document.js';
import { descriptorProblems } from './consistency.js';
import { withDefaults } from './defaults.js';
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
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Checks a descriptor's text; `name` (a file name, "request body") is what diagnostics show. */
export function checkDescriptorText(text: string, name: string): DescriptorResult {
  const checked = checkJsonDocument(text, name, DESCRIPTOR_SCHEMA_URL, CODES);
  if (!checked.ok) return checked;
  const document = checked.value as DescriptorDocument;
  const diagnostics = locateAll(name, checked.map, descriptorProblems(document));
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, descriptor: withDefaults(document), document, diagnostics };
}

export async function loadDescriptorFile(path: string): Promise<DescriptorResult> {
  const read = await readDocument(path, CODES.read, 'check the path; example descriptors are in examples/descriptors/');
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  return checkDescriptorText(read.text, path);
}
