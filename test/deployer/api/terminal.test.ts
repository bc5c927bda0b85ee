// Issue 12 for deploy --follow and deployments: the deployer's log lines, a failure's
// reason and a refusal's message come from the API, and may quote anything (a pod's
// output, a health check's answer). The built CLI, as users run it, against the API over a
// FakeDeployer, and against a server that answers what no deployer would.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../src/deployer/service/types.js';
import { bin } from '../../cli/bin.js';
import { rawControls } from '../../text/never-raw.js';
import { descriptor, startApi, text, TOKEN, type Api } from './helpers.js';

const LOG = 'health check answered: \x1b]0;pwned\x07\x1b[2J\r\nok\u202e';
const LOG_SHOWN = 'health check answered: \\x1b]0;pwned\\x07\\x1b[2J\\r\\nok\\u202e';
const REASON = 'hello-1-a said \x1b[31mNO\x1b[0m\n\u2066twice\u2069\u0000';
const REASON_SHOWN = 'hello-1-a said \\x1b[31mNO\\x1b[0m\\n\\u2066twice\\u2069\\x00';

const dir = mkdtempSync(join(tmpdir(), 'scalerd-terminal-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);
const descriptorFile = join(dir, 'hello.json');
writeFileSync(descriptorFile, text(descriptor()));

const connect = (url: string) => ['--api', url, '--token-file', tokenFile];

function expectNothingRaw(result: { out: string; err: string }): void {
  expect(rawControls(result.out), result.out).toEqual([]);
  expect(rawControls(result.err), result.err).toEqual([]);
}

function failWith(api: Api): void {
  api.deployer.onStart = (record) => {
    setTimeout(() => {
      api.deployer.write(record.id, LOG, 'error');
      api.deployer.finish(record.id, 'FAILURE', REASON);
    }, 30);
  };
}

describe('deploy --follow and deployments on a terminal', () => {
  it('show the log lines and the reason escaped; deployments -o json gives the reason exactly', async () => {
    const api = await startApi();
    failWith(api);
    const follow = await bin(['deploy', '-f', descriptorFile, '--follow', ...connect(api.url)]);
    expect(follow.code, follow.err).toBe(1);
    expectNothingRaw(follow);
    const lines = follow.out.trimEnd().split('\n');
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(new RegExp(`^2026-11-26T06:15:\\d\\dZ error ${LOG_SHOWN.replace(/[\\[\]]/g, '\\$&')}$`)),
      expect.stringMatching(/^FAILURE: default\/hello version 1 after \d+\.\ds: /),
    ]);
    expect(lines[3]!.endsWith(`: ${REASON_SHOWN}`)).toBe(true);

    const table = await bin(['deployments', ...connect(api.url)]);
    expect(table.code).toBe(0);
    expectNothingRaw(table);
    expect(table.out.trimEnd().split('\n')).toHaveLength(2);
    expect(table.out.trimEnd().endsWith(REASON_SHOWN)).toBe(true);

    const json = await bin(['deployments', ...connect(api.url), '-o', 'json']);
    expect((JSON.parse(json.out) as { reason: string }[])[0]!.reason).toBe(REASON);
  });

  it('a refusal\'s message is escaped in the error line', async () => {
    const api = await startApi();
    api.deployer.refuse = new DeployerError('conflict', `default/hello is busy: ${REASON}`);
    const r = await bin(['deploy', '-f', descriptorFile, ...connect(api.url)]);
    expect(r.code).toBe(1);
    expectNothingRaw(r);
    expect(r.err).toMatch(/^error SCALERD_ERR_API_CALL: POST \/deployments: 409 \S+: default\/hello is busy: /);
    expect(r.err.trimEnd().endsWith(REASON_SHOWN)).toBe(true);
  });

  it('an answer no command expected fails with its message escaped, as Node would report it', async () => {
    // Not JSON: the client's parse fails, and V8's message quotes the answer.
    const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('\x1b[2J\u202e\r\nnot json'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const r = await bin(['deployments', ...connect(`http://127.0.0.1:${port}`)]);
      expect(r.code).toBe(1);
      expectNothingRaw(r);
      expect(r.err).toMatch(/^SyntaxError: Unexpected token .*\\x1b\[2J\\u202e\\r\\nnot json.* is not valid JSON\n {4}at /);
    } finally {
      server.close();
    }
  });
});
