// Whether dist/ is older than the sources it is built from, by file times: cheap enough
// for every `npm start` (a few milliseconds), where running tsc to find out took seconds.

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the build reads; a change to any of them makes the build stale. */
const INPUTS = ['src', 'web', 'tsconfig.json', 'tsconfig.build.json'];
/** Written by every build (tsc rewrites each output), so its time is the last build's. */
const OUTPUT = 'dist/cli/main.js';

/** The newest file under `paths` (files or folders) and its mtime; mtime 0 when there is none. */
export function newest(root, paths) {
  let found = { file: undefined, mtimeMs: 0 };
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else if (stat.mtimeMs > found.mtimeMs) found = { file: relative(root, path), mtimeMs: stat.mtimeMs };
  };
  for (const path of paths) visit(join(root, path));
  return found;
}

/** Why dist/ must be built, or undefined when it is up to date. */
export function staleBecause(root) {
  const built = newest(root, [OUTPUT]);
  if (built.file === undefined) return `${OUTPUT} does not exist`;
  const source = newest(root, INPUTS);
  return source.mtimeMs > built.mtimeMs ? `${source.file} changed since the last build` : undefined;
}
