import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './render.js';

type Tree = { dependencies?: Record<string, Tree> };

/** Every package `npm ls --omit=dev --all` lists: what `npm ci --omit=dev` (the image's deps stage) installs. */
async function productionPackages(): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)('npm', ['ls', '--omit=dev', '--all', '--json'], { cwd: ROOT, maxBuffer: 64 << 20 });
  const names = new Set<string>();
  const walk = (tree: Tree) => {
    for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
      names.add(name);
      walk(child);
    }
  };
  walk(JSON.parse(stdout) as Tree);
  return names;
}

/**
 * Test runners, compilers, bundlers: never needed to run scalerd. @swc/helpers is no tool:
 * it is the runtime (like tslib) of code swc compiled, such as kubernetes-models'.
 */
const TOOLS = /^(vitest|@vitest\/.*|vite|vite-node|typescript|tsx|esbuild|@esbuild\/.*|rollup|@rollup\/.*|fast-check|jest|mocha|ts-node|@swc\/(?!helpers$).*|eslint|prettier)$/;

describe('production dependencies', () => {
  it('contain no test or build tool, and none of the dev dependencies', async () => {
    const production = await productionPackages();
    expect(production.size).toBeGreaterThan(10);
    expect([...production].filter((name) => TOOLS.test(name))).toEqual([]);
    const { devDependencies = {} } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    // A type declarations package is no tool; protobufjs (under etcd3) depends on @types/node.
    expect(Object.keys(devDependencies).filter((name) => production.has(name) && !name.startsWith('@types/'))).toEqual([]);
  });

  it('are all the product imports: src/ imports no dev dependency, not even for types', async () => {
    const { dependencies = {} } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const files = (await readdir(join(ROOT, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
    const outside: string[] = [];
    for (const file of files) {
      const text = await readFile(join(ROOT, 'src', file), 'utf8');
      for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^'.][^']*)'/gm)) {
        if (specifier!.startsWith('node:') || builtinModules.includes(specifier!)) continue;
        const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
        if (!(name in dependencies)) outside.push(`src/${file}: ${specifier}`);
      }
    }
    expect(files.length).toBeGreaterThan(50);
    expect(outside).toEqual([]);
  });
});
