#!/usr/bin/env node
import { systemClock } from '../clock.js';
import { runCli } from './program.js';

// `scalerd plan … | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  clock: systemClock,
  isTTY: process.stdout.isTTY === true,
});
process.exitCode = code;
