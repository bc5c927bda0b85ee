// Preloaded with `node --import` before dist/cli/main.js: loads the CLI's modules (the
// AWS SDK and client-node take over a second), says so on fd 3, then holds the entry
// point back until the test writes a line to stdin. main.js itself runs unchanged, on
// modules already loaded.
import { writeSync } from 'node:fs';

await import('../../../dist/cli/program.js');
writeSync(3, 'parked\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
