// Every command's --help ends with Examples, and every example names a command, arguments
// and flags that exist (with the command's required flags, and values among the flag's
// choices), so an example cannot outlive a renamed flag.

import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { optionsOf, spellings, takesValue, walkCommands } from '../../src/cli/command-tree.js';
import { EXAMPLES } from '../../src/cli/examples.js';
import { createProgram, runCli } from '../../src/cli/program.js';
import { utc } from '../helpers.js';

const clock = { now: () => utc('2026-11-25T11:00Z') };

async function tree() {
  return walkCommands(await createProgram({ out: () => {}, err: () => {}, clock }, () => {}));
}

/** Words of a shell line: "double quotes" kept together; a redirection ends the command. */
function words(line: string): string[] {
  const out = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  const redirect = out.findIndex((w) => w === '>' || w === '|');
  return redirect >= 0 ? out.slice(0, redirect) : out;
}

/** Problems of one example against the registered commands; [] when it would parse. */
function check(run: string, root: Command): string[] {
  const [first, ...rest] = words(run);
  if (first !== 'scalerd') return [`does not start with scalerd`];
  let command = root;
  for (let sub = command.commands.find((c) => c.name() === rest[0]); sub; sub = command.commands.find((c) => c.name() === rest[0])) {
    command = sub;
    rest.shift();
  }
  const options = optionsOf(command);
  const problems: string[] = [];
  const positional: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith('-')) {
      positional.push(word);
      continue;
    }
    const [flag, inline] = word.split('=', 2) as [string, string | undefined];
    if (flag === '-h' || flag === '--help') continue;
    const option = options.find((o) => spellings(o).includes(flag));
    if (!option) {
      problems.push(`${command.name()}: no option ${flag}`);
      continue;
    }
    given.add(option.attributeName());
    if (takesValue(option)) {
      const value = inline ?? rest[++i];
      if (value === undefined) problems.push(`${flag} needs a value`);
      else if (option.argChoices && !option.argChoices.includes(value)) problems.push(`${flag} ${value}: not one of ${option.argChoices.join(', ')}`);
    }
  }
  for (const o of command.options) if (o.mandatory && !given.has(o.attributeName())) problems.push(`${command.name()}: required ${o.long} missing`);
  const args = command.registeredArguments;
  const variadic = args.some((a) => a.variadic);
  if (positional.length < args.filter((a) => a.required).length) problems.push(`${command.name()}: missing arguments`);
  if (!variadic && positional.length > args.length) problems.push(`${command.name()}: too many arguments (${positional.join(' ')})`);
  const choices = args[0]?.argChoices;
  if (choices && positional[0] !== undefined && !choices.includes(positional[0])) problems.push(`${positional[0]}: not one of ${choices.join(', ')}`);
  return problems;
}

describe('--help Examples', () => {
  it('every registered command has Examples in its --help', async () => {
    for (const { path } of await tree()) {
      const out: string[] = [];
      const code = await runCli([...path, '--help'], { out: (t) => out.push(t), err: () => {}, clock });
      expect(code, `scalerd ${path.join(' ')} --help`).toBe(0);
      expect(out.join('\n'), `scalerd ${path.join(' ')} --help`).toMatch(/\nExamples:\n {2}# .+\n {2}scalerd /);
    }
  });

  it('every example names a registered command and flags it has, with its required ones', async () => {
    const nodes = await tree();
    const paths = new Set(nodes.map((n) => n.path.join(' ')));
    expect(Object.keys(EXAMPLES).filter((k) => !paths.has(k))).toEqual([]);
    const root = nodes[0]!.command;
    const problems = Object.values(EXAMPLES).flat().flatMap((e) => check(e.run, root).map((p) => `${e.run}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('the check itself refuses an unknown flag, a missing required flag and a bad choice', async () => {
    const root = (await tree())[0]!.command;
    expect(check('scalerd scale --schedule s.json --group workers --capacity 2 --yes', root)).toEqual([]);
    expect(check('scalerd scale --schedule s.json --group workers --capacity 2 --no-such', root)).toEqual(['scale: no option --no-such']);
    expect(check('scalerd scale --schedule s.json --group workers', root)).toEqual(['scale: required --capacity missing']);
    expect(check('scalerd completion tcsh', root)).toEqual(['tcsh: not one of bash, zsh, fish']);
    expect(check('scalerd drain', root)).toEqual(['drain: missing arguments']);
  });
});
