#!/usr/bin/env node
import { systemClock } from '../clock.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  clock: systemClock,
});
process.exitCode = code;
