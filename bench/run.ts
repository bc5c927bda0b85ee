// Runs every benchmark in bench/*.bench.ts (or those named on the command line), writes
// bench/results/<name>.json and appends a row to bench/RESULTS.md. Each benchmark
// measures its own baseline in the same run: a ratio holds on a noisy machine.

import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename } from 'node:path';

export type BenchResult = {
  readonly name: string;
  readonly description: string;
  /** Figures, each with its unit in the key (e.g. timelineMs, baselineMs). */
  readonly figures: Readonly<Record<string, number>>;
  /** baseline / subject: how many times faster the subject is. */
  readonly speedup: number;
  readonly summary: string;
};

export type Bench = { run(): Promise<BenchResult> | BenchResult };

const dir = new URL('.', import.meta.url);
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))));
const machine = `${cpus()[0]?.model ?? 'unknown cpu'} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const resultsMd = new URL('RESULTS.md', dir);
if (!existsSync(resultsMd)) {
  writeFileSync(resultsMd, '# Benchmark results\n\nOne row per run of `npm run bench`; figures in bench/results/<name>.json.\n\n| date | benchmark | result | machine | command |\n| --- | --- | --- | --- | --- |\n');
}
for (const file of files) {
  const bench = (await import(new URL(file, dir).href)) as Bench;
  const result = await bench.run();
  const record = { ...result, machine, date: new Date().toISOString(), command: `npm run bench -- ${basename(file, '.bench.ts')}` };
  writeFileSync(new URL(`results/${result.name}.json`, dir), `${JSON.stringify(record, null, 2)}\n`);
  appendFileSync(resultsMd, `| ${record.date.slice(0, 16)}Z | ${result.name} | ${result.summary} | ${machine} | \`${record.command}\` |\n`);
  console.log(`${result.name}: ${result.summary}`);
}
