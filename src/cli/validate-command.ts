import { type Command, InvalidArgumentError } from 'commander';
import { type Diagnostic, formatDiagnosticForTerminal, loadScheduleFile } from '../schedule/index.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';

type Options = { output: 'text' | 'json'; strict: boolean };

export function registerValidate(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description('check schedule files; report every problem at file:line:column')
    .argument('<file...>', 'schedule files (JSON)')
    .option('-o, --output <format>', 'text or json (for CI bots)', outputFormat, 'text')
    .option('--strict', 'treat warnings as failures', false)
    .action(async (files: string[], options: Options) => {
      const now = io.clock.now();
      const results = await Promise.all(files.map(async (file) => ({ file, result: await loadScheduleFile(file, now) })));
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

