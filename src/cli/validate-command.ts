import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type Diagnostic, formatDiagnosticForTerminal, loadScheduleFile } from '../schedule/index.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';

type Options = { output: 'text' | 'json'; strict: boolean };

export function registerValidate(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description('check schedule files; report every problem at file:line:column')
    .argument('<file...>', 'schedule files (JSON), or directories of them; *.schema.json files are skipped')
    .option('-o, --output <format>', 'text or json (for CI bots)', outputFormat, 'text')
    .option('--strict', 'treat warnings as failures', false)
    .action(async (files: string[], options: Options) => {
      const now = io.clock.now();
      const { schedules, skipped } = await scheduleFiles(files);
      for (const file of skipped) io.err(terminalSafe(`${file}: skipped, a JSON Schema (the one editors check schedules with), not a schedule`));
      const results = await Promise.all(schedules.map(async (file) => ({ file, result: await loadScheduleFile(file, now) })));
      const failed = results.some(({ result }) => !result.ok || (options.strict && result.diagnostics.length > 0));
      if (options.output === 'json') {
        io.out(JSON.stringify({
          valid: !failed,
          files: results.map(({ file, result }) => ({
            file,
            valid: result.ok,
            errors: result.diagnostics.filter((d) => d.severity === 'error'),
            warnings: result.diagnostics.filter((d) => d.severity === 'warning'),
          })),
        }, null, 2));
      } else {
        for (const { file, result } of results) {
          for (const diagnostic of result.diagnostics) io.out(formatDiagnosticForTerminal(diagnostic));
          io.out(terminalSafe(summary(file, result.ok, result.diagnostics)));
        }
      }
      setExit(failed ? EXIT.failed : EXIT.ok);
    });
}

/**
 * The schedule files named: a directory stands for its *.json files, and *.schema.json is
 * skipped, so `validate schedules/` and the shell's `schedules/*.json` work in CI as
 * written although schedule.schema.json sits beside the schedules for editors.
 */
async function scheduleFiles(args: readonly string[]): Promise<{ schedules: string[]; skipped: string[] }> {
  const schedules: string[] = [];
  const skipped: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    const files = info?.isDirectory() ? (await readdir(arg)).filter((f) => f.endsWith('.json')).sort().map((f) => join(arg, f)) : [arg];
    for (const file of files) (file.endsWith('.schema.json') ? skipped : schedules).push(file);
  }
  return { schedules, skipped };
}

function summary(file: string, ok: boolean, diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return ok
    ? `${file}: valid${count('warning') ? ` (${plural(count('warning'), 'warning')})` : ''}`
    : `${file}: invalid, ${plural(count('error'), 'error')}`;
}

export function outputFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') {
    throw new InvalidArgumentError(`"${value}" is not an output format: use text or json`);
  }
  return value;
}

