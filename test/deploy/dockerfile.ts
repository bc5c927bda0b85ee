// The Dockerfile read as Docker reads it: line continuations joined, comments dropped,
// build arguments with defaults substituted, split into stages.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './render.js';

export type Instruction = { readonly keyword: string; readonly args: string; readonly line: number };
export type Stage = { readonly base: string; readonly name: string | undefined; readonly instructions: Instruction[] };

export function readDockerfile(path = join(ROOT, 'Dockerfile')): { stages: Stage[]; global: Instruction[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) return;
    if (pending !== '' && line.trim().startsWith('#')) return; // comments inside a continuation
    if (pending === '') start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const text = (pending + line).trim();
    pending = '';
    const [keyword = ''] = text.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: text.slice(keyword.length).trim(), line: start });
  });
  const args = new Map<string, string>();
  const global: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = instruction.args.split('=');
      if (value !== undefined) args.set(name!, value);
    }
    if (instruction.keyword === 'FROM') {
      const substituted = instruction.args.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args.get((a ?? b)!) ?? '');
      const [base = '', as, name] = substituted.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    } else {
      global.push(instruction);
    }
  }
  return { stages, global };
}

/** An exec-form (JSON array) ENTRYPOINT or CMD of a stage; undefined when absent. */
export function execForm(stage: Stage, keyword: 'ENTRYPOINT' | 'CMD'): string[] | undefined {
  const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  return found ? (JSON.parse(found.args) as string[]) : undefined;
}
