// A look through haproxy, as a client sees the app: GET / with the hostname as the Host
// header (fetch cannot set Host, so node:http), and the version the answer names in its
// X-Version header (the test app's, and the convention descriptors are asked to follow).

import { request } from 'node:http';
import type { Look } from './ports.js';

export function lookThrough(lbUrl: string, timeoutMs = 2_000): Look {
  const url = new URL('/', lbUrl);
  return (host, signal) => new Promise((resolve) => {
    const req = request(url, { headers: { host }, signal, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const version = res.headers['x-version'];
        resolve(res.statusCode === 200 && typeof version === 'string' ? { version } : { error: `HTTP ${res.statusCode ?? 0}${typeof version === 'string' ? ` from version ${version}` : ' without X-Version'}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}
