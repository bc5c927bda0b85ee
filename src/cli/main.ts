#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { inspect } from 'node:util';
import { systemClock } from '../clock.js';
import { terminalStack } from '../text/terminal.js';
import { runCli } from './program.js';

// `scalerd plan … | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// The first Ctrl-C (or SIGTERM) stops the run between steps, so what is in progress (a
// node's drain, a deployment) is left in a state the next run resumes or rolls back; the
// second quits at once, like kubectl. Each command says what it left, if anything.
const interrupt = new AbortController();
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write(`${signal}: stopping after the calls in flight; work in progress is left for the next run to resume (again to quit now)\n`);
  interrupt.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let code: number;
try {
  code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    // A pipe takes writes asynchronously: a long output waits for its reader, not in memory.
    drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', resolve)) : Promise.resolve()),
    err: (text) => process.stderr.write(`${text}\n`),
    clock: systemClock,
    isTTY: process.stdout.isTTY === true,
    ...(process.stdin.isTTY === true ? { ask } : {}),
    signal: interrupt.signal,
  });
} catch (error) {
  process.stderr.write(`${crashReport(error)}\n`);
  code = 1;
}
process.exitCode = code;

/** One line from the terminal; end of input (Ctrl-D) answers '', Ctrl-C too and stops the command. */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  // readline takes Ctrl-C from the terminal itself: pass it on as the signal handler would.
  rl.on('SIGINT', () => {
    rl.close();
    onSignal('SIGINT');
  });
  const answer = rl.question(question, { signal: interrupt.signal }).catch(() => '');
  try {
    return await Promise.race([answer, closed]);
  } finally {
    rl.close();
  }
}

/** A failure no command expected, reported as Node would (inspect; exit 1), made safe to print. */
function crashReport(error: unknown): string {
  return terminalStack(inspect(error), error instanceof Error ? error.message : '');
}
