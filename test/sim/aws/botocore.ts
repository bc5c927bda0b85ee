// boto3 (Debian's python3-boto3 and python3-botocore, run by /usr/bin/python3) against a
// simulated AWS: botocore-walk.py sends the calls in order and holds each reply to botocore's
// service model. It runs asynchronously, because the simulator answers from this process, and
// sees nothing of this machine's AWS configuration.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const WALKER = fileURLToPath(new URL('botocore-walk.py', import.meta.url));

export type Call = {
  readonly service: 'autoscaling' | 'ec2';
  readonly operation: string;
  readonly params?: Record<string, unknown>;
  /** Paths (Name, or Name[] for every item of a list) that must be in the parsed reply. */
  readonly require?: readonly string[];
  /** The call must fail with this code and HTTP status. */
  readonly error?: { readonly code: string; readonly status: number };
  /** Instead of the key pair botocore() was given. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** No signature at all. */
  readonly unsigned?: boolean;
};

/** What came of a call: `problems` lists where the reply broke the model or the expectation. */
export type Walked = { service: string; operation: string; problems: string[]; code?: string; status?: number; message?: string; reply?: Record<string, unknown> };

export type Botocore = { walk(calls: readonly Call[]): Promise<Walked[]>; dispose(): Promise<void> };

export async function botocore(target: { endpoint: string; region: string; key: { accessKeyId: string; secretAccessKey: string } }): Promise<Botocore> {
  const home = await mkdtemp(join(tmpdir(), 'scalerd-botocore-'));
  const env = { PATH: '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' };
  return {
    walk: (calls) =>
      new Promise((resolve, reject) => {
        const child = execFile(PYTHON, [WALKER], { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          if (error) return reject(new Error(`${PYTHON} ${WALKER} failed (python3-boto3 and python3-botocore installed?): ${error.message}\n${stderr}`));
          resolve(JSON.parse(stdout) as Walked[]);
        });
        child.stdin!.end(JSON.stringify({ endpoint: target.endpoint, region: target.region, ...target.key, calls }));
      }),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}
