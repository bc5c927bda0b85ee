// One rule for health check paths (src/deployer/lb/health-path.ts): the descriptor refuses
// exactly what lb-sync would refuse in etcd, with a diagnostic that says which character and
// how to write it instead; so a descriptor that validates never yields a backend entry
// lb-sync leaves out.

import { describe, expect, it } from 'vitest';
import { checkDescriptorText } from '../../../src/deployer/descriptor/index.js';
import { parseBackend } from '../../../src/deployer/lb/desired.js';
import { healthPathProblem } from '../../../src/deployer/lb/health-path.js';

const withPath = (path: string) => JSON.stringify({
  namespace: 'default', appName: 'hello', version: 1, frontends: ['hello.example.com'],
  podSpec: { containers: [{ name: 'app', image: 'scalerd/test-app:1', ports: [{ containerPort: 8080 }] }] },
  healthCheck: { path },
}, null, 2);

const lbTakes = (path: string) => typeof parseBackend('default.hello.1', { key: 'k', modRevision: 1, value: JSON.stringify({ servers: [], health: { path } }) }) !== 'string';
const descriptorTakes = (path: string) => checkDescriptorText(withPath(path), 'd.json').ok;

describe('health check paths', () => {
  it('the descriptor refuses /health#x and /h"x with a clear diagnostic at the path', () => {
    for (const [path, shown] of [['/health#x', '"#"'], ['/h"x', '"\\""']] as const) {
      const result = checkDescriptorText(withPath(path), 'd.json');
      expect(result.ok).toBe(false);
      const [diagnostic] = result.diagnostics;
      expect(diagnostic).toMatchObject({
        code: 'SCALERD_ERR_DESCRIPTOR_HEALTH_PATH', file: 'd.json', pointer: '/healthCheck/path', line: 22,
        message: `the health check path holds ${shown}: only URL path and query characters are allowed (no quotes, spaces, backslash, $ or #)`,
        hint: expect.stringContaining('percent-encode'),
      });
    }
  });

  it('descriptor and lb-sync agree, path by path', () => {
    const paths = ['/health', '/healthz?full=1', '/a/b-c_d.e~f', '/%23', '/health#x', '/h"x', "/h'x", '/h x', '/h\\x', '/h$x', '/h\nx', `/${'a'.repeat(1023)}`, `/${'a'.repeat(1024)}`];
    for (const path of paths) expect(descriptorTakes(path), path).toBe(lbTakes(path));
    expect(paths.filter(descriptorTakes)).toEqual(['/health', '/healthz?full=1', '/a/b-c_d.e~f', '/%23', `/${'a'.repeat(1023)}`]);
    expect(healthPathProblem(`/${'a'.repeat(1024)}`)).toBe('is 1025 characters long, more than 1024');
  });
});
