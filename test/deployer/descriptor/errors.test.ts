// Broken descriptors, each with one or two deliberate mistakes. The expected line:column
// of each diagnostic was worked out by reading the text (1-based; the value's first
// character, or the property name for unknown properties, duplicate keys and reserved
// variable names), not copied from the checker's output.

import { describe, expect, it } from 'vitest';
import { checkDescriptorText, loadDescriptorFile } from '../../../src/deployer/descriptor/index.js';
import type { Diagnostic } from '../../../src/json/diagnostics.js';

const lines = (...text: string[]) => text.join('\n');

/** Lines 1 to 5 of most cases: what they leave as it is. */
const HEAD = [
  '{',
  '  "namespace": "shop",',
  '  "appName": "web",',
  '  "version": 3,',
  '  "frontends": ["shop.example.com"],',
];

/** The valid descriptor the cases change: line 8 is the container. */
const container = (fields: string) => lines(
  ...HEAD,
  '  "podSpec": {',
  '    "containers": [',
  `      ${fields}`,
  '    ]',
  '  }',
  '}',
);
const APP = '{ "name": "app", "image": "scalerd/test-app:1", "ports": [{ "name": "http", "containerPort": 8080 }] }';
/** Lines 1 to 6: HEAD and a pod spec with APP, followed by more properties. */
const withApp = [...HEAD, '  "podSpec": { "containers": [' + APP + '] },'];

type Expected = { at: string; code: string; pointer: string; says: string | RegExp; hint?: string | RegExp };

function diagnosticsOf(text: string): readonly Diagnostic[] {
  const result = checkDescriptorText(text, 'web.json');
  expect(result.ok, 'the descriptor should be refused').toBe(false);
  return result.diagnostics;
}

function expectDiagnostics(diagnostics: readonly Diagnostic[], expected: readonly Expected[]): void {
  expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.pointer}`)).toEqual(
    expected.map((e) => `${e.at} ${e.code.startsWith('SCALERD_') ? e.code : `SCALERD_ERR_DESCRIPTOR_${e.code}`} ${e.pointer}`),
  );
  diagnostics.forEach((d, i) => {
    const { says, hint } = expected[i]!;
    expect(d.file).toBe('web.json');
    if (typeof says === 'string') expect(d.message).toContain(says);
    else expect(d.message).toMatch(says);
    if (hint === undefined) expect(d.hint.length).toBeGreaterThan(0);
    else if (typeof hint === 'string') expect(d.hint).toContain(hint);
    else expect(d.hint).toMatch(hint);
  });
}

describe('descriptor syntax', () => {
  it('reports malformed JSON at its position (a request body as well as a file)', () => {
    const text = lines(
      '{',
      '  "namespace": "shop",',
      '  "appName": "web"',
      '  "version": 3',
      '}',
    );
    const result = checkDescriptorText(text, 'request body');
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([{
      severity: 'error', code: 'SCALERD_ERR_DESCRIPTOR_JSON', file: 'request body', line: 4, column: 3, pointer: '',
      message: 'invalid JSON: a comma is missing', hint: 'separate items and properties with a comma',
    }]);
  });

  it('reports an empty body and a truncated one', () => {
    expect(diagnosticsOf('')[0]).toMatchObject({ code: 'SCALERD_ERR_DESCRIPTOR_JSON', line: 1, column: 1 });
    expect(diagnosticsOf('{\n  "namespace": "sh')[0]).toMatchObject({ code: 'SCALERD_ERR_DESCRIPTOR_JSON', line: 2, message: 'invalid JSON: a string is not closed' });
  });

  it('reports a property given twice', () => {
    const text = lines(
      ...withApp,
      '  "version": 4',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [{ at: '7:3', code: 'DUPLICATE_KEY', pointer: '/version', says: 'property "version" appears more than once' }]);
  });

  it('reports a file that cannot be read', async () => {
    const result = await loadDescriptorFile('/nonexistent/web.json');
    expect(result).toMatchObject({ ok: false, diagnostics: [{ code: 'SCALERD_ERR_DESCRIPTOR_READ', file: '/nonexistent/web.json', line: 1, column: 1, message: 'cannot read the file: no such file' }] });
  });
});

describe('the schema', () => {
  it('names, a typo, a version and a hostname', () => {
    const text = lines(
      '{',
      '  "namespace": "shop",',
      '  "appName": "Web",',
      '  "version": "latest",',
      '  "replica": 2,',
      '  "frontends": ["https://shop.example.com"],',
      '  "podSpec": { "containers": [' + APP + '] }',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '3:14', code: 'SCHEMA', pointer: '/appName', says: 'got "Web"', hint: 'for example "web" or "order-service"' },
      { at: '4:14', code: 'SCHEMA', pointer: '/version', says: 'expected the version to deploy: a whole number from 1 to 999999999, or "auto"', hint: 'for example 3 or "auto"' },
      { at: '5:3', code: 'SCHEMA', pointer: '/replica', says: 'unknown property "replica"', hint: 'did you mean "replicas"?' },
      { at: '6:17', code: 'SCHEMA', pointer: '/frontends/0', says: 'expected a lowercase hostname without scheme, port or path, got "https://shop.example.com"', hint: 'for example "shop.example.com"' },
    ]);
  });

  it('required fields: frontends at the top, an image in a container', () => {
    const text = lines(
      '{',
      '  "namespace": "shop",',
      '  "appName": "web",',
      '  "version": "auto",',
      '  "podSpec": {',
      '    "containers": [',
      '      { "name": "app", "ports": [{ "containerPort": 8080 }] }',
      '    ]',
      '  }',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '1:1', code: 'SCHEMA', pointer: '', says: 'missing property "frontends"', hint: 'add "frontends": the hostnames whose traffic goes to the app, one or more' },
      { at: '7:7', code: 'SCHEMA', pointer: '/podSpec/containers/0', says: 'missing property "image"', hint: 'add "image": a container image reference' },
    ]);
  });

  it('a health check port that is neither a name nor a number, a restart policy, an event', () => {
    const text = lines(
      ...HEAD,
      '  "podSpec": { "restartPolicy": "Never", "containers": [' + APP + '] },',
      '  "healthCheck": { "port": "HTTP", "successes": 0 },',
      '  "webhooks": [{ "url": "https://hooks.example.com/d", "events": ["done"] }]',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '6:33', code: 'SCHEMA', pointer: '/podSpec/restartPolicy', says: 'got "Never"', hint: 'use one of "Always"' },
      { at: '7:28', code: 'SCHEMA', pointer: '/healthCheck/port', says: 'expected the port checked: the name of a declared container port, or a number', hint: 'for example "http" or 8080' },
      { at: '7:49', code: 'SCHEMA', pointer: '/healthCheck/successes', says: 'got 0', hint: 'use a number >= 1' },
      { at: '8:67', code: 'SCHEMA', pointer: '/webhooks/0/events/0', says: 'got "done"', hint: 'use one of "started", "succeeded", "failed", "rolled-back", "undeployed"' },
    ]);
  });
});

describe('consistency beyond the schema', () => {
  it('no container declares a port', () => {
    const text = container('{ "name": "app", "image": "scalerd/test-app:1" }');
    expectDiagnostics(diagnosticsOf(text), [
      { at: '7:19', code: 'PORT', pointer: '/podSpec/containers', says: 'no container declares a TCP port', hint: '"ports": [{ "containerPort": 8080, "name": "http" }]' },
    ]);
  });

  it('a health check port name no container declares, with a suggestion', () => {
    const text = lines(
      ...withApp,
      '  "healthCheck": { "port": "htp" }',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '7:28', code: 'PORT', pointer: '/healthCheck/port', says: 'no container declares a port named "htp"', hint: 'did you mean "http"?' },
    ]);
  });

  it('two containers of one name, a port declared twice, a port name used twice', () => {
    const text = lines(
      ...HEAD,
      '  "podSpec": {',
      '    "containers": [',
      '      ' + APP + ',',
      '      { "name": "app", "image": "envoy:1", "ports": [{ "name": "http", "containerPort": 8080 }] }',
      '    ]',
      '  }',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '9:17', code: 'DUPLICATE_NAME', pointer: '/podSpec/containers/1/name', says: 'container name "app" is already used at /podSpec/containers/0/name' },
      { at: '9:64', code: 'PORT', pointer: '/podSpec/containers/1/ports/0/name', says: 'port name "http" is already used at /podSpec/containers/0/ports/0' },
      { at: '9:89', code: 'PORT', pointer: '/podSpec/containers/1/ports/0/containerPort', says: 'port 8080/TCP is already declared at /podSpec/containers/0/ports/0' },
    ]);
  });

  it('the deployer\'s own variables, in the environment and in a container', () => {
    const text = lines(
      ...HEAD,
      '  "podSpec": {',
      '    "containers": [',
      '      { "name": "app", "image": "scalerd/test-app:1", "ports": [{ "containerPort": 8080 }], "env": [{ "name": "POD_NAME", "value": "x" }] }',
      '    ]',
      '  },',
      '  "environment": { "LOG_LEVEL": "debug", "APP_VERSION": "9" }',
      '}',
    );
    const hint = 'the deployer sets APP_NAME, APP_VERSION, POD_NAME, POD_NAMESPACE in every container';
    expectDiagnostics(diagnosticsOf(text), [
      { at: '8:111', code: 'ENV', pointer: '/podSpec/containers/0/env/0/name', says: '"POD_NAME" is set by the deployer', hint },
      { at: '11:42', code: 'ENV', pointer: '/environment/APP_VERSION', says: '"APP_VERSION" is set by the deployer', hint },
    ]);
  });

  it('a deadline that consecutive successes cannot meet; a webhook URL that does not parse', () => {
    const text = lines(
      ...withApp,
      '  "healthCheck": { "intervalMs": 2000, "successes": 5, "deadlineMs": 8000 },',
      '  "webhooks": [{ "url": "https://hooks[1].example.com/deploys" }]',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '7:70', code: 'HEALTH_CHECK', pointer: '/healthCheck/deadlineMs', says: 'a deadline of 8000 ms cannot be met: 5 passes 2000 ms apart take 8000 ms at the least', hint: 'make deadlineMs well above 8000' },
      { at: '8:25', code: 'WEBHOOK', pointer: '/webhooks/0/url', says: '"https://hooks[1].example.com/deploys" is not a URL' },
    ]);
  });

  it('the default deadline is checked too, and reported at the health check', () => {
    const text = lines(
      ...withApp,
      '  "healthCheck": { "intervalMs": 60000, "successes": 3 }',
      '}',
    );
    expectDiagnostics(diagnosticsOf(text), [
      { at: '7:18', code: 'HEALTH_CHECK', pointer: '/healthCheck', says: 'a deadline of 60000 ms cannot be met' },
    ]);
  });

  it('warns about a health check port number no container declares, and still accepts the descriptor', () => {
    const text = lines(
      ...withApp,
      '  "healthCheck": { "port": 9901 }',
      '}',
    );
    const result = checkDescriptorText(text, 'web.json');
    expect(result.ok).toBe(true);
    expectDiagnostics(result.diagnostics, [
      { at: '7:28', code: 'SCALERD_WARN_DESCRIPTOR_PORT_UNDECLARED', pointer: '/healthCheck/port', says: 'no container declares TCP port 9901' },
    ]);
    expect(result.diagnostics[0]!.severity).toBe('warning');
    expect(result.ok && result.descriptor.healthCheck).toMatchObject({ port: 9901, container: 'app' });
  });
});
