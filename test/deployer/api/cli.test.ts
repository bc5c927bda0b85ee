// `scalerd deploy` and `scalerd deployments`, in-process, against the API over a
// FakeDeployer: the local check first (validate's diagnostics, nothing sent), the id and
// Location, --follow to the end with the exit code of the outcome, the API's refusals, the
// table and JSON of deployments, and where the URL and the token come from.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import type { DeploymentRecord } from '../../../src/deployer/state/records.js';
import { T0 } from './fake-deployer.js';
import { descriptor, startApi, text, TOKEN, type Api } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'scalerd-deploy-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(...argv: string[]) {
  return cliWith({}, ...argv);
}

async function cliWith(io: { signal?: AbortSignal; onOut?: (text: string) => void }, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (t) => { out.push(t); io.onOut?.(t); }, err: (t) => err.push(t), clock: { now: () => T0 + 90_000 }, sleep: async () => undefined,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const connect = (api: Api) => ['--api', api.url, '--token-file', tokenFile];

/** Writes the deployment's log and ends it, a moment after it starts. */
function script(api: Api, status: 'SUCCESS' | 'FAILURE', reason?: string) {
  api.deployer.onStart = (record: DeploymentRecord) => {
    setTimeout(() => {
      api.deployer.write(record.id, `deploying default/hello version ${record.version}`);
      api.deployer.write(record.id, status === 'SUCCESS' ? 'switched hello.example.com' : 'health check of hello-1-a failed: 500', status === 'SUCCESS' ? 'info' : 'error');
      api.deployer.finish(record.id, status, reason);
    }, 30);
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('scalerd deploy', () => {
  it('checks, deploys, and prints the id and Location', async () => {
    const api = await startApi();
    const { code, out, err } = await cli('deploy', '-f', file('ok.json', text(descriptor())), ...connect(api));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const [record] = api.deployer.records.values();
    expect(out.split('\n')).toEqual([
      `deployment ${record!.id}: default/hello version 1, RUNNING`,
      `location: ${api.url}/deployments/default/hello/${record!.id}`,
    ]);
  });

  it('--follow streams the log to SUCCESS (exit 0) or FAILURE (exit 1)', async () => {
    const api = await startApi();
    script(api, 'SUCCESS');
    const ok = await cli('deploy', '-f', file('ok.json', text(descriptor())), '--follow', ...connect(api));
    expect(ok.code).toBe(0);
    expect(ok.out.split('\n').slice(2)).toEqual([
      expect.stringMatching(/^2026-11-26T06:15:\d\dZ info  deploying default\/hello version 1$/),
      expect.stringMatching(/^2026-11-26T06:15:\d\dZ info  switched hello.example.com$/),
      expect.stringMatching(/^SUCCESS: default\/hello version 1 in \d+\.\ds$/),
    ]);

    script(api, 'FAILURE', 'health check failed');
    const failed = await cli('deploy', '-f', file('ok.json', text(descriptor())), '--follow', ...connect(api));
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/Z error health check of hello-1-a failed: 500\n/);
    expect(failed.out.split('\n').at(-1)).toMatch(/^FAILURE: default\/hello version 2 after \d+\.\ds: health check failed$/);
  });

  it('Ctrl-C while following stops following, not the deployment', async () => {
    const api = await startApi();
    api.deployer.onStart = (record) => setTimeout(() => api.deployer.write(record.id, 'creating hello-1'), 20);
    const interrupt = new AbortController();
    const { code, err } = await cliWith({ signal: interrupt.signal, onOut: (t) => t.includes('creating') && interrupt.abort() }, 'deploy', '-f', file('ok.json', text(descriptor())), '--follow', ...connect(api));
    expect(code).toBe(1);
    expect(err).toMatch(/^stopped following \S+; the deployment goes on: scalerd deployments default\/hello$/);
    await expect.poll(() => api.deployer.followers).toBe(0);
    expect([...api.deployer.records.values()][0]!.status).toBe('RUNNING');
  });

  it('an invalid descriptor is reported here, as validate does, and not sent', async () => {
    const api = await startApi();
    const path = file('bad.json', text(descriptor({ replicas: 0 })));
    const { code, out, err } = await cli('deploy', '-f', path, ...connect(api));
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toContain(`${path}:21:15: error SCALERD_ERR_DESCRIPTOR_SCHEMA at /replicas: expected the number of pods`);
    expect(err).toContain('    hint: ');
    expect(err.split('\n').at(-1)).toBe(`${path}: invalid, 1 error; nothing was deployed`);
    expect((await cli('deploy', '-f', join(dir, 'missing.json'), ...connect(api))).err).toContain('SCALERD_ERR_DESCRIPTOR_READ');
    expect(api.deployer.calls).toEqual([]);
  });

  it("the API's refusals: exit 1 with its code and message", async () => {
    const api = await startApi();
    const path = file('ok.json', text(descriptor()));
    await cli('deploy', '-f', path, ...connect(api));
    const busy = await cli('deploy', '-f', path, ...connect(api));
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/^error SCALERD_ERR_API_CALL: POST \/deployments: 409 SCALERD_ERR_API_CONFLICT: default\/hello has a deployment under way: \S+$/);
    const wrongToken = file('wrong-token', 'not-the-token-at-all-0000');
    expect((await cli('deploy', '-f', path, '--api', api.url, '--token-file', wrongToken)).err).toContain('401 SCALERD_ERR_API_UNAUTHORIZED');
    const down = await cli('deploy', '-f', path, '--api', 'http://127.0.0.1:9', '--token-file', tokenFile);
    expect(down).toMatchObject({ code: 1, err: expect.stringContaining('the deployer API cannot be reached') });
  });

  it('the URL and the token: flags or SCALERD_DEPLOYER_*; none is a usage error (exit 2)', async () => {
    const api = await startApi();
    const path = file('ok.json', text(descriptor()));
    expect(await cli('deploy', '-f', path, '--token-file', tokenFile)).toMatchObject({ code: 2, err: expect.stringContaining('SCALERD_DEPLOYER_URL') });
    vi.stubEnv('SCALERD_DEPLOYER_TOKEN', '');
    vi.stubEnv('SCALERD_DEPLOYER_TOKEN_FILE', '');
    expect(await cli('deploy', '-f', path, '--api', api.url)).toMatchObject({ code: 2, err: expect.stringContaining('error SCALERD_ERR_API_TOKEN: no API token') });
    expect((await cli('deploy', '-f', path, '--api', api.url, '--token-file', join(dir, 'nope'))).code).toBe(2);
    expect((await cli('deploy', '-f', path, '--api', 'ftp://x', '--token-file', tokenFile)).code).toBe(2);
    vi.stubEnv('SCALERD_DEPLOYER_URL', api.url);
    vi.stubEnv('SCALERD_DEPLOYER_TOKEN', TOKEN);
    expect((await cli('deploy', '-f', path)).code).toBe(0);
    expect((await cli('deployments')).code).toBe(0);
  });
});

describe('scalerd deployments', () => {
  it('a table newest first: id, app, version, status, phase, start, duration, reason; or JSON', async () => {
    const api = await startApi();
    const first = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    api.deployer.finish(first.id, 'SUCCESS');
    const second = (await api.call('POST', '/deployments', { body: text(descriptor()) })).body;
    api.deployer.finish(second.id, 'FAILURE', 'health check failed');
    const third = (await api.call('POST', '/deployments', { body: text(descriptor({ namespace: 'shop', appName: 'web' })) })).body;

    const { code, out, err } = await cli('deployments', ...connect(api));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+APP\s+VERSION\s+STATUS\s+PHASE\s+STARTED \(UTC\)\s+DURATION\s+REASON$/);
    expect(lines[1]).toMatch(new RegExp(`^${third.id}\\s+shop/web\\s+1\\s+RUNNING\\s+accepted\\s+2026-11-26T06:15:\\d\\dZ\\s+1m\\d\\ds$`));
    expect(lines[2]).toMatch(new RegExp(`^${second.id}\\s+default/hello\\s+1→2\\s+FAILURE\\s+done\\s+2026-11-26T06:15:\\d\\dZ\\s+1s\\s+health check failed$`));
    expect(lines[3]).toMatch(new RegExp(`^${first.id}\\s+default/hello\\s+1\\s+SUCCESS\\s+done`));

    const app = await cli('deployments', 'default/hello', '-o', 'json', ...connect(api));
    expect(JSON.parse(app.out).map((r: { id: string }) => r.id)).toEqual([second.id, first.id]);
    expect((await cli('deployments', 'shop', ...connect(api))).out.split('\n')).toHaveLength(2);
    expect(await cli('deployments', 'nowhere/none', ...connect(api))).toEqual({ code: 0, out: 'no deployments recorded for nowhere/none', err: '' });
    expect((await cli('deployments', 'Bad/Name', ...connect(api))).code).toBe(2);
  });
});
