// `npx scalerd` runs node_modules/.bin/scalerd, a link to dist/cli/main.js: the file itself
// must be executable after a build. npm sets the mode only when it links the bin at install
// time, before a fresh clone has a dist/, and tsc writes 0644 (CI said "Permission denied").

import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../scripts/build.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { bin: Record<string, string>; version: string };

describe('the built CLI', () => {
  it('is the file package.json names as its bin, executable by everyone, and runs as a program', async () => {
    expect(pkg.bin.scalerd).toBe(CLI);
    expect(statSync(join(ROOT, CLI)).mode & 0o111).toBe(0o111);
    const { stdout } = await promisify(execFile)(join(ROOT, CLI), ['--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });
});
