// `npm start`: the demo. Builds dist/ only when a source is newer than the last build
// (saying so, since tsc takes a while), then runs the CLI in this process with the
// arguments npm gives it (`npm start -- --speed 60` adds to them). The AWS SDK's notice
// that Node 20 support ends is switched off here (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED,
// aws/aws-sdk-js-v3#7983): in the demo it landed in the middle of the first log lines.
//
// A plain .mjs file, not TypeScript: it must run before there is a build.

import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';
import { staleBecause } from './build-state.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const reason = staleBecause(ROOT);
if (reason !== undefined) {
  process.stderr.write(`scalerd: building dist/ with tsc (${reason}); this takes a while, once…\n`);
  const started = performance.now();
  try {
    // --noEmitOnError: a failed build leaves the last one as it was, so the next start tries again.
    await build(['--noEmitOnError']);
  } catch {
    process.stderr.write('scalerd: the build failed (above); nothing was started\n');
    process.exit(1);
  }
  process.stderr.write(`scalerd: built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// main.js reads process.argv from index 2: this script's arguments, as npm passed them.
await import('../dist/cli/main.js');
