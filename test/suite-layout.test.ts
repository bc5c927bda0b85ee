import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REAL_TIME } from '../vitest.config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// The simulated-time project runs three files at a time in shared workers; a file that holds
// haproxy to zero failed requests under constant load must not run there (vitest.config.ts).
describe('the suite layout', () => {
  it('runs every file that puts the deployer under load in the real-time project, and names only files that exist', () => {
    const underLoad = testFiles('test').filter((file) => /from '(\.\.?\/)+(deployer\/)?load\.js'/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(underLoad.length).toBeGreaterThan(0);
    expect(underLoad.filter((file) => !REAL_TIME.includes(file))).toEqual([]);
    expect(REAL_TIME.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  });
});
