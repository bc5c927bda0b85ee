// The one way dist/ is built (`npm run build`, `npm start` when stale, the test suite's
// global setup, the image's build stage): tsc, then the CLI's execute bit. tsc writes every
// file 0644, and npm makes a bin executable only when it links it at install time, before a
// fresh clone has a dist/: `npx scalerd` then said "Permission denied" after the first build.
//
// A plain .mjs file, not TypeScript: it runs before there is a build.

import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The file package.json's "bin" names. */
export const CLI = 'dist/cli/main.js';

/** Builds dist/ with tsc (extra arguments added to `-p tsconfig.build.json`); rejects when tsc fails. */
export function build(tscArgs = [], root = ROOT) {
  return new Promise((resolve, reject) => {
    const args = ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', ...tscArgs];
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`tsc ${args.slice(1).join(' ')} failed (${signal ?? `exit ${code}`})`));
      try {
        chmodSync(join(root, CLI), 0o755);
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  build(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
