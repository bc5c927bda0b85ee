// `scalerd completion bash|zsh|fish` through the built binary: the bash script is valid
// bash and completes subcommands, flags and flag values when bash calls it as `complete -F`
// would (COMP_WORDS / COMP_CWORD set, COMPREPLY read back).

import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../kube/helpers.js';

function bin(...argv: string[]) {
  const r = spawnSync(process.execPath, ['dist/cli/main.js', ...argv], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('scalerd completion', () => {
  const script = join(tempDir('scalerd-completion-'), 'scalerd.bash');
  const bash = bin('completion', 'bash');
  writeFileSync(script, bash.out);

  /** What bash offers for the words typed so far (the last one being completed). */
  const complete = (...typed: string[]) =>
    execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _scalerd; printf '%s\\n' "\${COMPREPLY[@]}"`, script, 'scalerd', ...typed], { encoding: 'utf8' })
      .split('\n').filter(Boolean);

  it('bash: a valid script, registered with complete', () => {
    expect(bash.code).toBe(0);
    expect(() => execFileSync('bash', ['-n', script])).not.toThrow();
    expect(bash.out).toMatch(/^complete -o default -F _scalerd scalerd$/m);
  });

  it('bash: completes subcommands, nested ones, flags and their values', () => {
    expect(complete('')).toEqual(expect.arrayContaining(['validate', 'plan', 'scale', 'drain', 'override', 'completion']));
    expect(complete('dr')).toEqual(['drain']);
    expect(complete('override', '')).toEqual(['set', 'list', 'clear']);
    expect(complete('override', 'set', '--rea')).toEqual(['--reason']);
    expect(complete('scale', '--ca')).toEqual(['--capacity']);
    // A flag's value is skipped when finding the command and the next flag.
    expect(complete('scale', '--group', 'workers', '--ye')).toEqual(['--yes']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('run', '--log-format', '')).toEqual(['json', 'pretty']);
    // Flags of one command are not offered for another.
    expect(complete('validate', '--ca')).toEqual([]);
  });

  it('zsh: the same completion through bashcompinit', () => {
    const r = bin('completion', 'zsh');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('#compdef scalerd');
    expect(r.out).toContain('bashcompinit');
    expect(r.out).toMatch(/^complete -o default -F _scalerd scalerd$/m);
  });

  it('fish: a complete line per subcommand and flag', () => {
    const r = bin('completion', 'fish');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.every((l) => l.startsWith('complete -c scalerd '))).toBe(true);
    expect(r.out).toMatch(/-n '__fish_use_subcommand' -a scale -d 'set one node group/);
    expect(r.out).toMatch(/-n '__fish_seen_subcommand_from override; and not __fish_seen_subcommand_from set list clear' -a set /);
    expect(r.out).toMatch(/-n '__fish_seen_subcommand_from scale' -s y -l yes -d /);
  });

  it('an unknown shell is a usage error (exit 2)', () => {
    const r = bin('completion', 'tcsh');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/value 'tcsh' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish/);
  });
});
