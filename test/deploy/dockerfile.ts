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

/**
 * A stage as the image it builds: the instructions of the stages it starts from (FROM
 * <stage>), then its own; `base` is the external image at the root of the chain.
 */
export function image(stages: readonly Stage[], stage: Stage): Stage {
  const parent = stages.find((s) => s.name !== undefined && s.name === stage.base);
  if (!parent) return stage;
  const inherited = image(stages, parent);
  return { base: inherited.base, name: stage.name, instructions: [...inherited.instructions, ...stage.instructions] };
}

/**
 * An image's command line (ENTRYPOINT, then `args` or its CMD) as it runs on the host: tini
 * left out (the image's PID 1; on the host the test is the parent), the image's WORKDIR
 * mapped onto this checkout. `target`: a stage's name; the default target without one.
 */
export function hostCommand(target?: string, args?: readonly string[]): string[] {
  const { stages } = readDockerfile();
  const built = image(stages, target ? stages.find((s) => s.name === target)! : stages.at(-1)!);
  const [tini, separator, ...entry] = execForm(built, 'ENTRYPOINT')!;
  if (tini !== '/usr/bin/tini' || separator !== '--') throw new Error(`the entrypoint does not start with tini: ${tini} ${separator}`);
  const workdir = built.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)!.args;
  return [...entry, ...(args ?? execForm(built, 'CMD') ?? [])].map((arg) => arg.replace(new RegExp(`^${workdir}/`), `${ROOT}/`));
}
