#!/usr/bin/env node
// scalerd's test app: the app the deployer's tests, benchmark and demo deploy, like the
// seed's. Plain Node, no dependencies, no build step. It answers GET /health with
// {"healthy", "version", "message"} and GET / with which version and pod answered, and
// its flags make it misbehave on purpose (see README.md next to this file).

import { createServer } from 'node:http';

const FLAGS = ['host', 'port', 'version', 'report-version', 'pod-name', 'unhealthy', 'health-hangs', 'delay-ms', 'crash-after', 'fail-to-start', 'ignore-sigterm'];
const options = readOptions(process.argv.slice(2), process.env);
const started = Date.now();
const log = (message) => process.stdout.write(`${new Date().toISOString()} ${options.podName} v${options.version}: ${message}\n`);

if (options.failToStart) {
  process.stderr.write(`${options.podName} v${options.version}: failing to start (FAIL_TO_START)\n`);
  process.exit(1);
}

let shuttingDown = false;
let served = 0;
/** /health requests held open on purpose (HEALTH_HANGS): ended at shutdown, they never finish by themselves. */
const hung = new Set();

const server = createServer((req, res) => {
  served++;
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/health' && options.healthHangs) {
    hung.add(res);
    res.on('close', () => hung.delete(res));
    return;
  }
  setTimeout(() => answer(req, res, path), options.delayMs);
});

function answer(req, res, path) {
  if (path === '/health') {
    const healthy = !options.unhealthy;
    return json(res, healthy ? 200 : 503, {
      healthy,
      version: options.reportedVersion,
      message: healthy ? `${options.podName} is healthy` : `${options.podName} is unhealthy (UNHEALTHY is set)`,
    });
  }
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    return json(res, 200, {
      version: options.reportedVersion,
      pod: options.podName,
      host: options.host,
      port: options.port,
      uptimeMs: Date.now() - started,
      served,
    });
  }
  json(res, 404, { error: `no route ${req.method} ${path}` });
}

function json(res, code, body) {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'X-Version': options.reportedVersion,
    'X-Pod-Name': options.podName,
    // While shutting down, tell keep-alive clients to reconnect elsewhere.
    ...(shuttingDown ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

server.on('error', (error) => {
  process.stderr.write(`${options.podName} v${options.version}: cannot listen on ${options.host}:${options.port}: ${error.message}\n`);
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  log(`listening on http://${options.host}:${options.port}${describeFlags(options)}`);
  if (options.crashAfterSeconds !== undefined) {
    setTimeout(() => {
      process.stderr.write(`${options.podName} v${options.version}: crashing after ${options.crashAfterSeconds} s (CRASH_AFTER_SECONDS)\n`);
      process.exit(1);
    }, options.crashAfterSeconds * 1000);
  }
});

// Graceful shutdown: stop accepting, let requests in flight finish, close idle keep-alive
// connections, exit 0. Hung /health requests are ended: by design they never finish.
function shutDown(signal) {
  if (options.ignoreSigterm && signal === 'SIGTERM') {
    log('ignoring SIGTERM (IGNORE_SIGTERM)');
    return;
  }
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: draining after ${served} requests`);
  server.close(() => {
    log('stopped');
    process.exit(0);
  });
  server.closeIdleConnections();
  for (const res of hung) res.destroy();
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
// SIGUSR2 turns health over while it runs (healthy ⇄ unhealthy), for a failure after start.
process.on('SIGUSR2', () => {
  options.unhealthy = !options.unhealthy;
  log(`SIGUSR2: now ${options.unhealthy ? 'unhealthy' : 'healthy'}`);
});

/** Flags from argv (--name or --name=value) over environment variables. */
function readOptions(argv, env) {
  const args = new Map();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !FLAGS.includes(m[1])) {
      process.stderr.write(`test-app: unknown argument ${arg} (see examples/test-app/README.md)\n`);
      process.exit(2);
    }
    args.set(m[1], m[2] ?? 'true');
  }
  const pick = (flag, variable) => args.get(flag) ?? env[variable];
  const bool = (flag, variable) => /^(1|true|yes|on)$/i.test(pick(flag, variable) ?? '');
  const number = (flag, variable, fallback) => {
    const raw = pick(flag, variable);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) {
      process.stderr.write(`test-app: --${flag} / ${variable} must be a number ≥ 0, got "${raw}"\n`);
      process.exit(2);
    }
    return n;
  };
  const version = pick('version', 'APP_VERSION') ?? '0';
  return {
    host: pick('host', 'HOST') ?? '127.0.0.1',
    port: number('port', 'PORT', 8080),
    version,
    reportedVersion: pick('report-version', 'REPORT_VERSION') ?? version,
    podName: pick('pod-name', 'POD_NAME') ?? 'test-app',
    unhealthy: bool('unhealthy', 'UNHEALTHY'),
    healthHangs: bool('health-hangs', 'HEALTH_HANGS'),
    delayMs: number('delay-ms', 'RESPONSE_DELAY_MS', 0),
    crashAfterSeconds: number('crash-after', 'CRASH_AFTER_SECONDS', undefined),
    failToStart: bool('fail-to-start', 'FAIL_TO_START'),
    ignoreSigterm: bool('ignore-sigterm', 'IGNORE_SIGTERM'),
  };
}

function describeFlags(o) {
  const flags = [
    o.unhealthy && 'unhealthy',
    o.healthHangs && 'health hangs',
    o.delayMs > 0 && `responses delayed ${o.delayMs} ms`,
    o.crashAfterSeconds !== undefined && `crashes after ${o.crashAfterSeconds} s`,
    o.reportedVersion !== o.version && `reports version ${o.reportedVersion}`,
    o.ignoreSigterm && 'ignores SIGTERM',
  ].filter(Boolean);
  return flags.length ? ` (${flags.join(', ')})` : '';
}
