// hadolint is in neither registry this project installs from (npm, Debian), so its rules
// that matter here, and the issue's, are checked directly.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execForm, image, readDockerfile, type Stage } from './dockerfile.js';
import { ROOT } from './render.js';

const { stages } = readDockerfile();
/** The images the Dockerfile builds: the default target (the last stage), and `lb`. */
const daemon = image(stages, stages.at(-1)!);
const lb = image(stages, stages.find((s) => s.name === 'lb')!);
const images = [['scalerd', daemon, ['run']], ['scalerd-lb', lb, ['lb-sync']]] as const;
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  it('is multi-stage: each image takes only the build output and the production dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const [title, built] of images) {
      const copies = built.instructions.filter((i) => i.keyword === 'COPY' && i.args.includes('--from='));
      expect(copies.length, title).toBeGreaterThan(0);
      for (const copy of copies) {
        const from = /--from=(\S+)/.exec(copy.args)![1];
        const source = stages.find((s) => s.name === from);
        expect(source, copy.args).toBeDefined();
        if (copy.args.includes('node_modules')) {
          // node_modules only from a stage that installed production dependencies alone.
          expect(runs(source!).some((r) => /npm ci\b.*--omit=dev/.test(r)), copy.args).toBe(true);
          expect(runs(source!).some((r) => /npm (ci|install)\b(?!.*--omit=dev)/.test(r)), copy.args).toBe(false);
        } else {
          expect(copy.args, 'from the build stage, only its output').toMatch(/\/dist\s/);
        }
      }
      // Nothing installs npm packages in the image itself.
      expect(runs(built).some((r) => /\bnpm (ci|install|i)\b/.test(r)), title).toBe(false);
    }
  });

  it('pins every base to a Node major version (an even LTS line, 24 or later), never latest', () => {
    const external = stages.filter((stage) => !stages.some((s) => s.name === stage.base));
    for (const stage of external) {
      const match = /^node:(\d+)(-[a-z0-9.-]+)?$/.exec(stage.base);
      expect(match, stage.base).not.toBeNull();
      expect(Number(match![1]) % 2, `${stage.base} is not an LTS line`).toBe(0);
      expect(Number(match![1])).toBeGreaterThanOrEqual(24);
    }
    expect(new Set(external.map((s) => s.base)).size).toBe(1);
  });

  it('runs as a numeric non-root user, with tini as PID 1 forwarding signals, each image its command', () => {
    for (const [title, built, command] of images) {
      const user = built.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
      expect(user, title).toMatch(/^\d+(:\d+)?$/);
      expect(Number(user!.split(':')[0]), title).toBeGreaterThan(0);
      const entrypoint = execForm(built, 'ENTRYPOINT')!;
      expect(entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
      expect(runs(built).some((r) => /apt-get install .*\btini=/.test(r))).toBe(true);
      expect(execForm(built, 'CMD'), title).toEqual(command);
    }
    // lb-sync checks configs with the haproxy it runs beside.
    expect(runs(lb).some((r) => /apt-get install .*\bhaproxy=2\.6/.test(r))).toBe(true);
    expect(runs(daemon).some((r) => /\bhaproxy\b/.test(r))).toBe(false);
  });

  it('carries the OCI labels, each image its own title', () => {
    for (const [title, built] of images) {
      const labels = built.instructions.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ');
      for (const key of ['title', 'description', 'version', 'revision', 'licenses', 'source']) expect(labels, title).toContain(`org.opencontainers.image.${key}=`);
      expect([...labels.matchAll(/org\.opencontainers\.image\.title="([^"]+)"/g)].map((m) => m[1]).at(-1)).toBe(title);
    }
  });

  it('keeps hadolint\'s rules: exec form, no ADD, apt pinned without recommends and cleaned, WORKDIR absolute', () => {
    for (const stage of stages) {
      for (const i of stage.instructions) {
        expect(i.keyword, `line ${i.line}`).not.toBe('ADD'); // DL3020
        if (i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD') expect(i.args.startsWith('['), `line ${i.line}`).toBe(true); // DL3025
        if (i.keyword === 'WORKDIR') expect(i.args.startsWith('/'), `line ${i.line}`).toBe(true); // DL3000
        if (i.keyword === 'RUN' && /apt-get install/.test(i.args)) {
          expect(i.args).toMatch(/--no-install-recommends/); // DL3015
          expect(i.args).toMatch(/rm -rf \/var\/lib\/apt\/lists/); // DL3009
          const packages = i.args.split('apt-get install')[1]!.split('&&')[0]!.split(/\s+/).filter((w) => w && !w.startsWith('-'));
          for (const pkg of packages) expect(pkg, 'DL3008: pin apt packages').toMatch(/=/);
        }
        if (i.keyword === 'RUN') expect(i.args, `line ${i.line}`).not.toMatch(/\bsudo\b/); // DL3004
      }
    }
  });

  it('.dockerignore keeps node_modules, dist, tests and local files out of the build context', () => {
    const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    // Everything is ignored first; only the build's inputs are let back in.
    expect(lines[0]).toBe('*');
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    expect(allowed.sort()).toEqual(['deployer', 'package-lock.json', 'package.json', 'schedules', 'scripts/build.mjs', 'src', 'tsconfig.build.json', 'tsconfig.json', 'web']);
    for (const copy of stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
      for (const source of copy.args.split(/\s+/).slice(0, -1)) expect(allowed, `COPY ${copy.args} needs ${source} in the context`).toContain(source.replace(/\/$/, ''));
    }
  });
});
