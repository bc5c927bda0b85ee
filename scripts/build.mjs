// The one way dist/ is built (`npm run build`, `npm start` when stale, the test suite's
// global setup, the image's build stage): tsc, then the CLI's execute bit, and beside them
// the console's browser part (web/) bundled by esbuild into dist/console-web/. tsc writes every
// file 0644, and npm makes a bin executable only when it links it at install time, before a
// fresh clone has a dist/: `npx scalerd` then said "Permission denied" after the first build.
//
// A plain .mjs file, not TypeScript: it runs before there is a build.

import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The file package.json's "bin" names. */
export const CLI = 'dist/cli/main.js';

/** Builds dist/: tsc (extra arguments added to `-p tsconfig.build.json`) and the console; rejects when either fails. */
export async function build(tscArgs = [], root = ROOT) {
  await Promise.all([compile(tscArgs, root), buildConsole(root)]);
}

/**
 * The console's page: one script and one stylesheet, minified, for browsers of the last few
 * years; no source maps (the package ships what runs). Types are checked apart (web/tsconfig.json).
 */
export async function buildConsole(root = ROOT) {
  const { build: bundle } = await import('esbuild');
  const out = join(root, 'dist/console-web');
  mkdirSync(out, { recursive: true });
  await bundle({
    absWorkingDir: root, entryPoints: { app: 'web/src/main.tsx' }, outdir: out, bundle: true, minify: true, format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'], jsx: 'automatic', jsxImportSource: 'preact', legalComments: 'eof', logLevel: 'error',
  });
  copyFileSync(join(root, 'web/index.html'), join(out, 'index.html'));
  copyFileSync(join(root, 'web/src/icon.svg'), join(out, 'icon.svg'));
}

function compile(tscArgs, root) {
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
