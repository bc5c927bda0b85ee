// The CLI's commands as data, walked from commander's own tree: help's Examples and the
// shell completion scripts are made from what is registered, so they cannot drift.

import type { Command, Option } from 'commander';

export type CommandNode = {
  /** Names from the root: [] for scalerd itself, ['override', 'set'] for `scalerd override set`. */
  readonly path: readonly string[];
  readonly command: Command;
};

/** Every command, the root first, parents before their subcommands; commander's implicit `help` left out. */
export function walkCommands(root: Command): CommandNode[] {
  const out: CommandNode[] = [];
  const visit = (command: Command, path: readonly string[]) => {
    out.push({ path, command });
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  visit(root, []);
  return out;
}

/** The options a command accepts: its own, then its parents' (help and version are the root's). */
export function optionsOf(command: Command): Option[] {
  const own: Option[] = [];
  for (let c: Command | null = command; c; c = c.parent) own.push(...c.options);
  return own;
}

/** Every spelling of an option: `-o`, `--output`. */
export function spellings(option: Option): string[] {
  return [option.short, option.long].filter((s): s is string => s !== undefined);
}

/** Whether the option takes a value (`--group <name>`, `--until [time]`). */
export function takesValue(option: Option): boolean {
  return option.required || option.optional;
}
