// The adapter no longer loads @aws-sdk/client-ec2 (~57 MB of the daemon's resident memory
// for one operation): a fresh node that imports src/aws and builds a cloud has client-auto-scaling
// in its module cache and not client-ec2; and no product source imports it.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the AWS adapter\'s footprint', () => {
  it('loads client-auto-scaling and not client-ec2', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { createCloud } = await import(${JSON.stringify(join(ROOT, 'src/aws/index.ts'))});
      createCloud({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }).destroy();
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      const has = (name) => loaded.some((path) => path.includes('/node_modules/@aws-sdk/' + name + '/'));
      console.log(JSON.stringify({ autoscaling: has('client-auto-scaling'), ec2: has('client-ec2') }));
    `;
    const child = spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    // client-auto-scaling shows that the check sees the SDK's packages at all.
    expect(JSON.parse(child.stdout)).toEqual({ autoscaling: true, ec2: false });
  });

  it('no product source imports client-ec2 (it is a devDependency, for the tests)', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const importing = sources(join(ROOT, 'src')).filter((file) => /from\s+['"]@aws-sdk\/client-ec2['"]|import\(\s*['"]@aws-sdk\/client-ec2['"]/.test(readFileSync(file, 'utf8')));
    expect(importing).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('@aws-sdk/client-ec2');
  });
});
