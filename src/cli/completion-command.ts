// `scalerd completion bash|zsh|fish`: prints the shell's completion script, made from the
// commands registered in this very program (completion.ts).

import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from './completion.js';
import type { CliIo, ExitCode } from './io.js';

export function registerCompletion(program: Command, io: CliIo, _setExit: (code: ExitCode) => void): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText('after', [
      '',
      'bash: source <(scalerd completion bash), or save it in /etc/bash_completion.d/scalerd.',
      'zsh: save it as _scalerd in a directory of your fpath (it uses bashcompinit).',
      'fish: save it as ~/.config/fish/completions/scalerd.fish.',
    ].join('\n'))
    .action((shell: Shell) => {
      io.out(completionScript(program, shell).trimEnd());
    });
}
