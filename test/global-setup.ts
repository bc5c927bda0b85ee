import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Once per test run: type-check everything (tests and benchmarks too, which vitest
 * itself does not), then build dist/, since the CLI tests run the built binary as users do.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = (...args: string[]) => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', ...args], { cwd: root, stdio: 'inherit' });
  tsc('-p', 'tsconfig.json', '--noEmit');
  tsc('-p', 'tsconfig.build.json');
}
