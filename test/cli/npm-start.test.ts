// `npm start` (scripts/start.mjs): on a built tree it starts without building and without
// the AWS SDK's Node-version notice; it builds only when a source is newer than dist/; the
// simulator's kubeconfig in the temp directory is gone after SIGTERM, SIGINT, or a second
// signal (which quits at once).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { staleBecause } from '../../scripts/build-state.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('whether dist/ needs a build', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tree = (files: Record<string, number>) => {
    const dir = mkdtempSync(join(tmpdir(), 'scalerd-build-state-'));
    dirs.push(dir);
    for (const [file, seconds] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), '');
      utimesSync(join(dir, file), seconds, seconds);
    }
    return dir;
  };

  it('builds when there is no build, or a source (or a tsconfig) is newer than it; not otherwise', () => {
    expect(staleBecause(tree({ 'src/cli/main.ts': 100 }))).toBe('dist/cli/main.js does not exist');
    expect(staleBecause(tree({ 'src/cli/main.ts': 100, 'src/a/b.ts': 300, 'dist/cli/main.js': 200 }))).toBe('src/a/b.ts changed since the last build');
    expect(staleBecause(tree({ 'src/cli/main.ts': 100, 'tsconfig.json': 300, 'dist/cli/main.js': 200 }))).toBe('tsconfig.json changed since the last build');
    expect(staleBecause(tree({ 'src/cli/main.ts': 100, 'src/a/b.ts': 150, 'tsconfig.json': 50, 'dist/cli/main.js': 200 }))).toBeUndefined();
  });
});

/** scripts/start.mjs as package.json's start runs it, on a port of its own; no SDK notice switched off by the test. */
function start() {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const child = spawn(process.execPath, ['scripts/start.mjs', 'run', '--schedule', 'schedules/example.json', '--sim', 'scenarios/demo.json', '--listen', '127.0.0.1:0', '--log-format', 'json'], {
    cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const events: { event?: string; server?: string }[] = [];
  let onEvent = () => undefined as void;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) events.push(JSON.parse(line) as { event?: string; server?: string });
    onEvent();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    onEvent = () => {
      const sim = events.find((e) => e.event === 'sim-started');
      if (sim && events.some((e) => e.event === 'listening')) resolve(join(tmpdir(), `scalerd-sim-${new URL(sim.server!).port}.kubeconfig`));
    };
    void exited.then((code) => reject(new Error(`exited ${String(code)} before listening: ${err}`)));
  });
  return { child, exited, listening, stderr: () => err };
}

describe('npm start on a built tree', () => {
  it('starts without building and without the SDK notice; SIGTERM removes the kubeconfig it wrote', async () => {
    const s = start();
    const kubeconfig = await s.listening;
    expect(existsSync(kubeconfig)).toBe(true);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(s.stderr()).not.toContain('building');
    expect(s.stderr()).not.toContain('NodeVersionSupportWarning');
  });

  it('SIGINT removes it too', async () => {
    const s = start();
    const kubeconfig = await s.listening;
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(existsSync(kubeconfig)).toBe(false);
  });

});

describe('a temp file of the CLI (dist/cli/temp-file.js)', () => {
  // The second Ctrl-C ends the process with process.exit(130), and an error nobody caught
  // ends it too: neither runs the command's own clean-up, the exit hook must.
  it.each([
    ['process.exit(130), as the second signal', 'process.exit(130);', 130],
    ['an uncaught error', 'setTimeout(() => { throw new Error("boom"); });', 1],
  ])('is removed when the process ends by %s', async (_, end, code) => {
    const file = join(tmpdir(), `scalerd-temp-file-${process.pid}-${code}.kubeconfig`);
    const script = `import { existsSync } from 'node:fs'; import { writeTempFile } from './dist/cli/temp-file.js'; await writeTempFile(${JSON.stringify(file)}, 'x'); if (!existsSync(${JSON.stringify(file)})) process.exit(99); ${end}`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'ignore' });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(code);
    expect(existsSync(file)).toBe(false);
  });
});
