import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from '../scripts/build.mjs';
import { extractHelm } from './deploy/helm.js';

/**
 * Once per test run: type-check everything (tests and benchmarks too, which vitest
 * itself does not, and the console's page, web/), and build dist/, since the CLI tests run the built binary as users do;
 * extract helm for the chart's tests (test/deploy/helm.ts; a no-op once it is there).
 * The steps are independent: they run side by side (the page's is short).
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = (...args: string[]) => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`tsc ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
  const results = await Promise.allSettled([tsc('-p', 'tsconfig.json', '--noEmit'), tsc('-p', 'web/tsconfig.json'), build(), extractHelm()]);
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failed.length > 0) throw new Error(failed.map((e) => e.message).join('; '));
}
