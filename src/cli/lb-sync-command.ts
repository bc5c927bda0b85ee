// `scalerd lb-sync`: the confd role beside haproxy. Watches /scalerd/lb/ in etcd; a
// backend change renders haproxy.cfg, checks it with `haproxy -c` and reloads haproxy
// seamlessly through its master socket; a frontend switch goes through the Runtime API
// with no reload. Reports server states and applied switches back under
// /scalerd/lb/status/. Every flag can come from an environment variable
// (SCALERD_LB_<FLAG>), for the container. SIGTERM stops it cleanly (exit 0).

import { type Command, Option } from 'commander';
import {
  checkConfigDir, createEtcdStore, haproxyPath, LbSync, parseBind, parseTls,
} from '../deployer/lb/index.js';
import { describeEtcd } from '../deployer/etcd/connection.js';
import { UsageError } from '../errors.js';
import { addEtcdOptions, readEtcdConnection, type EtcdFlags } from './etcd-options.js';
import { addLogOptions, envOption, loggerFrom, type LogFlags } from './env-options.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';

type Options = LogFlags & EtcdFlags & {
  haproxyConfig?: string; haproxySocket?: string; haproxyMasterSocket?: string;
  bind: string; tlsBind?: string; tlsCertDir?: string; metricsBind?: string; haproxyBin: string;
};

const env = envOption('SCALERD_LB_');

export function registerLbSync(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addLogOptions(addEtcdOptions(program
    .command('lb-sync')
    .description('serve the load balancer kept in etcd (/scalerd/lb/) through haproxy: reload on a backend change, switch frontends with no reload'), 'SCALERD_LB_')
    .addOption(env(new Option('--haproxy-config <file>', 'haproxy.cfg, rendered by lb-sync; hosts.map and server-state are kept beside it'), 'HAPROXY_CONFIG'))
    .addOption(env(new Option('--haproxy-socket <path>', "haproxy's admin socket (Runtime API), as lb-sync renders it into the config"), 'HAPROXY_SOCKET'))
    .addOption(env(new Option('--haproxy-master-socket <path>', "haproxy's master CLI socket (haproxy -W -S <path>)"), 'HAPROXY_MASTER_SOCKET'))
    .addOption(env(new Option('--bind <address:port>', 'where haproxy serves HTTP').default('127.0.0.1:8000'), 'BIND'))
    .addOption(env(new Option('--tls-bind <address:port>', 'where haproxy serves HTTPS too (with --tls-cert-dir)'), 'TLS_BIND'))
    .addOption(env(new Option('--tls-cert-dir <dir>', 'certificates chosen by SNI: PEMs with their key, or <name>.crt + <name>.key (a TLS Secret); a change is loaded within the resync'), 'TLS_CERT_DIR'))
    .addOption(env(new Option('--metrics-bind <address:port>', "where haproxy serves its Prometheus exporter at /metrics (each version's backend: requests, responses by code, servers UP); off when not given"), 'METRICS_BIND'))
    .addOption(env(new Option('--haproxy-bin <path>', 'the haproxy binary, for haproxy -c').default('haproxy'), 'HAPROXY_BIN')), 'SCALERD_LB_')
    .action(async (options: Options) => setExit(await runLbSync(options, io)));
}

async function runLbSync(options: Options, io: CliIo): Promise<ExitCode> {
  const required = (value: string | undefined, flag: string, name: string): string => {
    if (value === undefined || value === '') throw new UsageError('SCALERD_ERR_CLI_USAGE', `lb-sync needs ${flag} (or SCALERD_LB_${name})`);
    return value;
  };
  const connection = await readEtcdConnection(options, 'SCALERD_LB_', 'lb-sync');
  const configFile = haproxyPath('--haproxy-config', required(options.haproxyConfig, '--haproxy-config <file>', 'HAPROXY_CONFIG'));
  const adminSocket = haproxyPath('--haproxy-socket', required(options.haproxySocket, '--haproxy-socket <path>', 'HAPROXY_SOCKET'));
  const masterSocket = haproxyPath('--haproxy-master-socket', required(options.haproxyMasterSocket, '--haproxy-master-socket <path>', 'HAPROXY_MASTER_SOCKET'));
  const bind = parseBind(options.bind);
  const tls = await parseTls(options.tlsBind, options.tlsCertDir);
  const metrics = options.metricsBind === undefined ? undefined : parseBind(options.metricsBind, '--metrics-bind');
  await checkConfigDir(configFile);

  const log = loggerFrom(options);
  const store = createEtcdStore({ connection, clock: io.clock });
  const sync = LbSync.start({ store, configFile, adminSocket, masterSocket, bind, ...(tls ? { tls } : {}), ...(metrics ? { metrics } : {}), haproxyBin: options.haproxyBin, clock: io.clock, log });
  log.info({ event: 'started', etcd: connection.hosts, config: configFile, bind: options.bind }, `lb-sync: etcd ${describeEtcd(connection)} → haproxy ${configFile}`);

  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  log.info({ event: 'stopping' }, 'stopping: the pass under way ends; haproxy keeps serving what it runs');
  await sync.stop();
  store.close();
  log.info({ event: 'stopped' }, 'stopped');
  return EXIT.ok;
}
