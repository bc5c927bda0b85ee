// Issue 12 for what validate, plan and the error line print about files: a schedule whose
// keys and name hold ESC, a newline and U+202E, and a kubeconfig quoted in an error. Text
// output shows them escaped; validate -o json gives them exactly. The built CLI, as users
// run it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../kube/helpers.js';
import { rawControls } from '../text/never-raw.js';
import { bin } from './bin.js';

const dir = tempDir('scalerd-terminal-');
/** A file name is the user's text too: any byte but NUL and '/'. */
const NAME = 'night\x1b[31m\u202e.json';
const NAME_SHOWN = 'night\\x1b[31m\\u202e.json';
const WORKLOAD = 'shop/we\x1b[2Jb\u202e\nx';
const WORKLOAD_SHOWN = 'shop/we\\x1b[2Jb\\u202e\\nx';

function schedule(name: string, document: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(document, null, 2));
  return path;
}

const valid = { version: 1, timezone: 'UTC', nodeGroups: { workers: { min: 1, max: 5 } }, default: { capacity: { workers: 3 } } };

function expectNothingRaw(result: { out: string; err: string }): void {
  expect(rawControls(result.out), result.out).toEqual([]);
  expect(rawControls(result.err), result.err).toEqual([]);
}

describe('validate on a terminal', () => {
  it('shows the file name and the keys it quotes escaped, one diagnostic per two lines; -o json exactly', async () => {
    const path = schedule(`invalid-${NAME}`, { ...valid, workloads: { [WORKLOAD]: {} }, default: { capacity: { workers: 3 }, replicas: { [WORKLOAD]: 2 } } });
    const text = await bin(['validate', path]);
    expect(text.code).toBe(1);
    expectNothingRaw(text);
    const lines = text.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`${dir}/invalid-${NAME_SHOWN}:19:5: error SCALERD_ERR_SCHEDULE_WORKLOAD_NAME at /workloads/${WORKLOAD_SHOWN.replace('/', '~1')}: workload "${WORKLOAD_SHOWN}": name "we\\x1b[2Jb\\u202e\\nx" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253, starting and ending with a letter or digit)`);
    expect(lines[1]).toMatch(/^ {4}hint: /);
    expect(lines[2]).toBe(`${dir}/invalid-${NAME_SHOWN}: invalid, 1 error`);

    const json = await bin(['validate', path, '-o', 'json']);
    const doc = JSON.parse(json.out) as { files: { file: string; errors: { pointer: string; message: string }[] }[] };
    expect(doc.files[0]!.file).toBe(path);
    expect(doc.files[0]!.errors[0]!.pointer).toBe(`/workloads/${WORKLOAD.replace('/', '~1')}`);
    expect(doc.files[0]!.errors[0]!.message).toContain(`workload "${WORKLOAD}"`);
  });
});

describe('plan on a terminal', () => {
  it('shows the file name escaped in its heading, and in the diagnostics of a file that does not load', async () => {
    const path = schedule(NAME, valid);
    const r = await bin(['plan', path, '--from', '2026-03-02T00:00', '--days', '1']);
    expect(r.code, r.err).toBe(0);
    expectNothingRaw(r);
    expect(r.out.split('\n')[0]).toBe(`${dir}/${NAME_SHOWN}: 0 changes from Mon 2026-03-02 00:00 +00:00 to Tue 2026-03-03 00:00 +00:00`);

    const broken = schedule(`broken-${NAME}`, { ...valid, workloads: { [WORKLOAD]: {} } });
    const failed = await bin(['plan', broken]);
    expect(failed.code).toBe(1);
    expectNothingRaw(failed);
    expect(failed.err).toContain(`workload "${WORKLOAD_SHOWN}"`);
    expect(failed.err.trimEnd().split('\n').at(-1)).toBe(`${dir}/broken-${NAME_SHOWN}: invalid; run "scalerd validate ${dir}/broken-${NAME_SHOWN}" after fixing it`);
  });
});

describe('the error line on a terminal', () => {
  it('escapes what a message quotes from a file: a kubeconfig\'s current context', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    // YAML's own escapes: \e is ESC.
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncurrent-context: "prod\\e[31m\\u202e\\u0085forged"\ncontexts: []\nclusters: []\nusers: []\n');
    const r = await bin(['override', 'list', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2); // a kubeconfig that cannot be used is the user's to fix: exit 2, as a usage error
    expectNothingRaw(r);
    expect(r.err).toBe(`error SCALERD_ERR_KUBE_CONFIG: the current context "prod\\u001b[31m\\u202e\\x85forged" is not defined in the kubeconfig\n`);
  });

  it('escapes the arguments commander quotes in its errors', async () => {
    const r = await bin(['override', 'list', '--bogus\x1b[31m\u202e']);
    expect(r.code).toBe(2);
    expectNothingRaw(r);
    expect(r.err).toContain("error: unknown option '--bogus\\x1b[31m\\u202e'");
  });
});
