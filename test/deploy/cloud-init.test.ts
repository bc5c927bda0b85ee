import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './render.js';

const run = promisify(execFile);
const DIR = join(ROOT, 'cloud-init');

/** `cloud-init schema --config-file`: exit code and what it printed (Debian's cloud-init, which .ci/run installs). */
async function schema(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('cloud-init', ['schema', '--config-file', file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('cloud-init is not installed: apt-get install cloud-init (.ci/run does)');
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const templates = async () => (await readdir(DIR)).filter((f) => f.endsWith('.yaml')).map((f) => join(DIR, f));

describe('cloud-init templates', () => {
  it('every template is valid cloud-config for cloud-init schema', async () => {
    const files = await templates();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const checked = await schema(file);
      expect(checked, file).toMatchObject({ code: 0 });
      expect(checked.output).toMatch(/Valid cloud-config/);
    }
  });

  it('cloud-init schema refuses a template broken on purpose (the check can fail)', async () => {
    const [first] = await templates();
    const broken = join(await mkdtemp(join(tmpdir(), 'scalerd-cloud-init-')), 'broken.yaml');
    await writeFile(broken, `${await readFile(first!, 'utf8')}\nbootcmd: 5\n`);
    const checked = await schema(broken);
    expect(checked.code).not.toBe(0);
    expect(checked.output).toMatch(/bootcmd: 5 is not of type 'array'/);
  });

  it('the scripts they write are valid bash, and the join reads its secrets at boot, not from the template', async () => {
    for (const file of await templates()) {
      const text = await readFile(file, 'utf8');
      const config = yaml.load(text) as { write_files: { path: string; content: string }[]; runcmd: unknown[] };
      const scripts = config.write_files.filter((f) => f.content.startsWith('#!/bin/bash'));
      expect(scripts.length, file).toBeGreaterThan(0);
      for (const script of scripts) {
        const path = join(await mkdtemp(join(tmpdir(), 'scalerd-script-')), 'script.sh');
        await writeFile(path, script.content);
        await expect(run('bash', ['-n', path]), script.path).resolves.toBeDefined();
      }
      // IMDSv2 (a session token) and SSM with decryption; no token or hash in the file itself.
      expect(text).toMatch(/X-aws-ec2-metadata-token-ttl-seconds/);
      expect(text).toMatch(/aws ssm get-parameter .*--with-decryption/);
      expect(text).not.toMatch(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/); // a kubeadm bootstrap token
      expect(text).toMatch(/aws:\/\/\/\$\{AVAILABILITY_ZONE\}\/\$\{INSTANCE_ID\}/);
      expect(JSON.stringify(config.runcmd)).toMatch(/scalerd-join/);
    }
  });
});
