// The pure parts of lb-sync: reading etcd entries strictly, rendering haproxy.cfg and
// hosts.map, the map changes, the status writes, and parsing haproxy's answers. One test
// runs the real `haproxy -c` on a rendered config.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { desiredFrom, parseBackend, type Entry } from '../../../src/deployer/lb/desired.js';
import { haproxyPath, parseBind } from '../../../src/deployer/lb/options.js';
import { parseEtcdHosts } from '../../../src/deployer/etcd/connection.js';
import { parseShowProc } from '../../../src/deployer/lb/reload.js';
import { renderConfig, serverDrift, type RenderOptions } from '../../../src/deployer/lb/render.js';
import { mapChanges, mapEntries, renderMap } from '../../../src/deployer/lb/routes.js';
import { parseShowStat, serverState } from '../../../src/deployer/lb/runtime-api.js';
import { backendStatuses, frontendStatuses, statusWrites } from '../../../src/deployer/lb/status.js';
import { tempDir } from '../infra.js';

const entry = (key: string, value: unknown, modRevision = 7): Entry => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value), modRevision });
const backend = (id: string, servers: unknown[], health?: unknown, rev = 7) => entry(`/scalerd/lb/backends/${id}`, { servers, ...(health ? { health } : {}) }, rev);
const server = (name: string, address = '127.0.0.5', port = 8080) => ({ name, address, port });
const OPTIONS: RenderOptions = { adminSocket: '/run/lb/admin.sock', mapFile: '/run/lb/hosts.map', stateFile: '/run/lb/server-state', bind: { host: '127.0.0.1', port: 8000 } };

describe('reading the etcd entries', () => {
  it('keeps valid backends and frontends, collects status values, and says why the others are left out', () => {
    const desired = desiredFrom({
      revision: 42,
      entries: [
        backend('shop.web.1', [server('web-1-a'), server('web-1-b', '::1', 9000)], { path: '/health?full=1' }, 11),
        backend('shop.web.2', [server('web-2-a')]),
        entry('/scalerd/lb/frontends/shop.example', { backend: 'shop.web.1' }, 12),
        entry('/scalerd/lb/status/config', '{"ok":true,"at":1}'),
        backend('Shop.Web.3', [server('x')]),
        entry('/scalerd/lb/frontends/bad host', { backend: 'shop.web.1' }),
        entry('/scalerd/lb/other', 'x'),
      ],
    });
    expect(desired.revision).toBe(42);
    expect(desired.backends.get('shop.web.1')).toEqual({ id: 'shop.web.1', servers: [server('web-1-a'), server('web-1-b', '::1', 9000)], healthPath: '/health?full=1', modRevision: 11 });
    expect(desired.backends.get('shop.web.2')?.healthPath).toBe('/health');
    expect(desired.frontends.get('shop.example')).toEqual({ host: 'shop.example', backend: 'shop.web.1', modRevision: 12 });
    expect(desired.status.get('/scalerd/lb/status/config')).toBe('{"ok":true,"at":1}');
    expect(desired.problems.map((p) => p.key)).toEqual(['/scalerd/lb/backends/Shop.Web.3', '/scalerd/lb/frontends/bad host', '/scalerd/lb/other']);
    // An invalid id has no status key of its own (the id is not a safe key either).
    expect([...desired.invalidBackends.keys()]).toEqual([]);
  });

  it.each([
    ['a health path that would inject config', [server('a')], { path: '/h\n  server evil 10.0.0.1:80' }, /health\.path/],
    ['a health path with a quote', [server('a')], { path: '/h"' }, /health\.path/],
    ['a health path with a #', [server('a')], { path: '/h#x' }, /health\.path/],
    ['a relative health path', [server('a')], { path: 'health' }, /health\.path/],
    ['a server name used twice', [server('a'), server('a', '127.0.0.6')], undefined, /used twice/],
    ['a server name that is not a pod name', [server('A_1')], undefined, /servers\[0\]\.name/],
    ['a host name as address', [server('a', 'localhost')], undefined, /address/],
    ['an IPv6 address with a zone', [server('a', 'fe80::1%eth0')], undefined, /address/],
    ['port 0', [server('a', '127.0.0.1', 0)], undefined, /port/],
    ['a port as a string', [{ name: 'a', address: '127.0.0.1', port: '80' }], undefined, /port/],
  ])('refuses %s', (_what, servers, health, reason) => {
    expect(parseBackend('shop.web.1', backend('shop.web.1', servers, health))).toMatch(reason);
  });

  it('reports an invalid backend with a valid id under its own id', () => {
    const desired = desiredFrom({ revision: 1, entries: [entry('/scalerd/lb/backends/shop.web.1', 'not json')] });
    expect(desired.invalidBackends.get('shop.web.1')).toBe('the value is not a JSON object');
  });
});

describe('rendering', () => {
  const desired = desiredFrom({
    revision: 3,
    entries: [
      backend('shop.web.2', [server('web-2-a', '127.0.0.7', 8081)]),
      backend('shop.web.1', [server('web-1-a'), server('web-1-b', '::1', 9000)], { path: '/healthz' }),
      entry('/scalerd/lb/frontends/www.shop.example', { backend: 'shop.web.1' }),
      entry('/scalerd/lb/frontends/shop.example', { backend: 'shop.web.2' }),
      entry('/scalerd/lb/frontends/gone.example', { backend: 'shop.web.9' }),
    ],
  });
  const config = renderConfig(desired.backends.values(), OPTIONS);

  it('renders the global, defaults, frontend and one backend per id, sorted', () => {
    expect(config).toContain('  stats socket /run/lb/admin.sock mode 600 level admin expose-fd listeners\n');
    expect(config).toContain('  use_backend %[req.hdr(host),lower,word(1,:),map(/run/lb/hosts.map,be_no_route)]\n');
    expect(config).toContain('  bind 127.0.0.1:8000\n');
    expect(config.slice(config.indexOf('backend be_shop'))).toBe([
      'backend be_shop.web.1',
      '  option httpchk GET /healthz',
      '  http-check expect status 200',
      '  server web-1-a 127.0.0.5:8080 check inter 250 rise 2 fall 2',
      '  server web-1-b [::1]:9000 check inter 250 rise 2 fall 2',
      '',
      'backend be_shop.web.2',
      '  option httpchk GET /health',
      '  http-check expect status 200',
      '  server web-2-a 127.0.0.7:8081 check inter 250 rise 2 fall 2',
      '',
      '',
    ].join('\n'));
    expect(renderConfig([...desired.backends.values()].reverse(), OPTIONS)).toBe(config);
  });

  it('is a config haproxy -c accepts', async () => {
    const dir = await tempDir('render');
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(join(dir, 'hosts.map'), '');
    // With haproxy's Prometheus exporter on: a frontend of its own (Debian's haproxy is built with it, USE_PROMEX).
    const metrics = { host: '127.0.0.1', port: 8404 };
    const text = renderConfig(desired.backends.values(), { ...OPTIONS, mapFile: join(dir, 'hosts.map'), adminSocket: join(dir, 'a.sock'), stateFile: join(dir, 'state'), metrics });
    expect(text).toContain('frontend fe_metrics\n  bind 127.0.0.1:8404\n  no log\n  http-request use-service prometheus-exporter if { path /metrics }\n');
    expect(config).not.toContain('prometheus-exporter');
    writeFileSync(file, text);
    try {
      expect(() => execFileSync('haproxy', ['-c', '-q', '-f', file], { stdio: 'pipe' })).not.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps each host to its backend when loaded, else to be_no_route; the map text is sorted', () => {
    const entries = mapEntries(desired.frontends.values(), new Set(['be_shop.web.1', 'be_shop.web.2']));
    expect(renderMap(entries)).toBe('gone.example be_no_route\nshop.example be_shop.web.2\nwww.shop.example be_shop.web.1\n');
  });

  it('changes the live map into the wanted one with add, set and del', () => {
    const live = new Map([['shop.example', 'be_shop.web.1'], ['old.example', 'be_x'], ['same.example', 'be_y']]);
    const wanted = new Map([['shop.example', 'be_shop.web.2'], ['new.example', 'be_z'], ['same.example', 'be_y']]);
    expect(mapChanges(live, wanted)).toEqual([
      { op: 'set', host: 'shop.example', backend: 'be_shop.web.2', from: 'be_shop.web.1' },
      { op: 'add', host: 'new.example', backend: 'be_z' },
      { op: 'del', host: 'old.example', from: 'be_x' },
    ]);
    expect(mapChanges(wanted, wanted)).toEqual([]);
  });

  it('notices a worker that does not run the file', () => {
    const live = parseShowStat(STAT);
    expect(serverDrift(config, live)).toEqual(['be_shop.web.1: file [web-1-a,web-1-b], haproxy [web-1-a]', 'be_shop.web.2: file [web-2-a], haproxy []']);
  });
});

// `show stat`, cut to the columns that matter (haproxy prints about 100).
const STAT = [
  '# pxname,svname,qcur,status,check_status',
  'fe_http,FRONTEND,,OPEN,',
  'be_no_route,BACKEND,0,UP,',
  'be_shop.web.1,web-1-a,0,UP 1/2,INI',
  'be_shop.web.1,BACKEND,0,UP,',
  '',
].join('\n');

describe("haproxy's answers", () => {
  it('reads server states from show stat; a server not checked yet is INIT', () => {
    expect(parseShowStat(STAT)).toEqual(new Map([['be_shop.web.1', new Map([['web-1-a', { state: 'INIT', checkStatus: 'INI' }]])]]));
    expect(serverState('UP', 'L7OK')).toBe('UP');
    expect(serverState('UP 1/2', 'L7STS')).toBe('UP');
    expect(serverState('DOWN 1/2', 'L7OK')).toBe('DOWN');
    expect(serverState('MAINT (via be/x)', 'L7OK')).toBe('MAINT');
    expect(serverState('DRAIN', 'L7OK')).toBe('DRAIN');
    expect(serverState('no check', '')).toBe('NOCHECK');
  });

  it('reads the master and current workers from show proc, old workers aside', () => {
    const text = [
      '#<PID>          <type>          <reloads>       <uptime>        <version>      ',
      '8322            master          2 [failed: 1]   0d00h10m12s     2.6.12-1+deb12u4',
      '# workers',
      '13286           worker          1               0d00h00m05s     2.6.12-1+deb12u4',
      '# old workers',
      '12000           worker          2               0d00h01m05s     2.6.12-1+deb12u4',
      '# programs',
      '',
    ].join('\n');
    expect(parseShowProc(text)).toEqual({ reloads: 2, failed: 1, workers: [{ pid: 13286, reloads: 1 }] });
    expect(() => parseShowProc('Unknown command')).toThrow(/not a haproxy master/);
  });
});

describe('status writes', () => {
  const desired = desiredFrom({
    revision: 9,
    entries: [
      backend('shop.web.1', [server('a'), server('b', '127.0.0.6')], undefined, 5),
      entry('/scalerd/lb/frontends/shop.example', { backend: 'shop.web.1' }, 8),
      entry('/scalerd/lb/status/backends/shop.web.1', { servers: { a: 'UP', b: 'DOWN' }, revision: 5, at: 1 }),
      entry('/scalerd/lb/status/backends/shop.web.0', { servers: {}, at: 1 }),
    ],
  });
  const config = renderConfig(desired.backends.values(), OPTIONS);
  const live = new Map([['be_shop.web.1', new Map([['a', { state: 'UP' as const, checkStatus: 'L7OK' }], ['b', { state: 'UP' as const, checkStatus: 'L7OK' }]])]]);

  it('writes a changed status stamped `at`, deletes the status of a backend that is gone, and leaves an unchanged one alone', () => {
    const statuses = backendStatuses(desired, live, config, undefined);
    expect(statusWrites(desired.status, statuses, 100, ['/scalerd/lb/status/backends/'])).toEqual([
      { op: 'put', key: '/scalerd/lb/status/backends/shop.web.1', value: '{"servers":{"a":"UP","b":"UP"},"revision":5,"at":100}' },
      { op: 'delete', key: '/scalerd/lb/status/backends/shop.web.0' },
    ]);
    const stored = new Map([['/scalerd/lb/status/backends/shop.web.1', '{"at":3,"revision":5,"servers":{"b":"UP","a":"UP"}}']]);
    expect(statusWrites(stored, statuses, 200, ['/scalerd/lb/status/backends/'])).toEqual([]);
  });

  it('has no revision while the entry is not what haproxy runs, and says why', () => {
    const statuses = backendStatuses(desired, live, renderConfig([], OPTIONS), 'haproxy -c: boom');
    expect(statuses.get('/scalerd/lb/status/backends/shop.web.1')).toEqual({ servers: { a: 'UP', b: 'UP' }, error: 'revision 5 is not loaded in haproxy: haproxy -c: boom' });
  });

  it('acknowledges a frontend haproxy serves with its key revision', () => {
    expect(frontendStatuses(desired, new Map([['shop.example', 'be_shop.web.1']]), new Set(['be_shop.web.1']))).toEqual(new Map([
      ['/scalerd/lb/status/frontends/shop.example', { backend: 'shop.web.1', revision: 8 }],
    ]));
    expect(frontendStatuses(desired, new Map([['shop.example', 'be_no_route']]), new Set())).toEqual(new Map([
      ['/scalerd/lb/status/frontends/shop.example', { backend: 'shop.web.1', revision: 8, error: 'backend shop.web.1 is not loaded in haproxy: the host answers 503' }],
    ]));
  });
});

describe('options', () => {
  it('reads etcd URLs, the bind address and paths safe for haproxy.cfg', () => {
    expect(parseEtcdHosts('http://a:2379, http://b:2379')).toEqual(['http://a:2379', 'http://b:2379']);
    expect(() => parseEtcdHosts('http://a:2379,https://b:2379')).toThrow(/mixes http:\/\/ and https:\/\/ URLs/);
    expect(() => parseEtcdHosts('a:2379')).toThrow(/http:\/\/ or https:\/\//);
    expect(parseBind('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseBind('[::1]:8000')).toEqual({ host: '::1', port: 8000 });
    expect(() => parseBind('127.0.0.1:70000')).toThrow(/--bind/);
    expect(haproxyPath('--x', '/etc/haproxy/haproxy.cfg')).toBe('/etc/haproxy/haproxy.cfg');
    expect(() => haproxyPath('--x', '/etc/ha proxy.cfg')).toThrow(/cannot take/);
    expect(() => haproxyPath('--x', '/etc/$HOME.cfg')).toThrow(/cannot take/);
  });
});
