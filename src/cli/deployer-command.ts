// `scalerd deployer`: the blue/green deployer's server. Serves the REST API (bearer token;
// the registry webhook with its own secret), runs deployments with the app's lock in etcd,
// and on start resumes or rolls back every deployment a previous deployer left running.
// Every flag but the cluster's can come from SCALERD_DEPLOYER_<FLAG>. SIGTERM stops taking requests; a
// deployment under way stops between steps and the next deployer resumes it.

import { loadConsoleAssets } from '../console/assets.js';
import { type Command, Option } from 'commander';
import { timerSleep as wait } from '../actuate/types.js';
import { createDeployerApi } from '../deployer/api/index.js';
import { createDeployerMetrics } from '../deployer/metrics.js';
import { checkSecret } from '../http/bearer.js';
import { DEFAULT_TIMINGS } from '../deployer/engine/engine.js';
import { lookThrough } from '../deployer/engine/look.js';
import { parseListen } from '../daemon/http.js';
import { connectEtcd, describeEtcd } from '../deployer/etcd/connection.js';
import { DeployerService } from '../deployer/service/service.js';
import { etcdLoadBalancer } from '../deployer/state/etcd-lb.js';
import { DeployerStore } from '../deployer/state/etcd-store.js';
import { UsageError } from '../errors.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../deployer/signing/index.js';
import { createDeployerCluster, createSecretReader } from '../kube/index.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { bindOrExplain } from './listen-error.js';
import { addEtcdOptions, readEtcdConnection, type EtcdFlags } from './etcd-options.js';
import { addLogOptions, envOption, loggerFrom, type LogFlags } from './env-options.js';
import { MAX_HISTORY, wholeNumberArg } from './arguments.js';
import { addKubeOptions, connectKube, type KubeOptions } from './kube-options.js';
import { readSecret } from './secrets.js';
import { policyFromFlags, type PolicyFlags } from './deployer-policy.js';

type Options = LogFlags & KubeOptions & EtcdFlags & PolicyFlags & {
  lbUrl?: string; listen: string; tokenFile?: string; webhookSecretFile?: string; webhookSigningSecretFile?: string;
  webhookTolerance: number; lockTtl: number; history: number; reconcileEvery: number;
};

const env = envOption('SCALERD_DEPLOYER_');

export function registerDeployer(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addLogOptions(addEtcdOptions(addKubeOptions(program
    .command('deployer')
    .description('serve the blue/green deployer: REST API, deployments with their state in etcd, resume after a restart')), 'SCALERD_DEPLOYER_')
    .addOption(env(new Option('--lb-url <url>', 'haproxy\'s HTTP frontend, to verify a switch as clients see it'), 'LB_URL'))
    .addOption(env(new Option('--listen <[host]:port>', 'the REST API').default('127.0.0.1:8081'), 'LISTEN'))
    .addOption(env(new Option('--token-file <file>', 'the API\'s bearer token (or SCALERD_DEPLOYER_TOKEN)'), 'TOKEN_FILE'))
    .addOption(env(new Option('--webhook-secret-file <file>', 'enables the registry webhook with this static secret, for registries that cannot sign (or SCALERD_DEPLOYER_WEBHOOK_SECRET)'), 'WEBHOOK_SECRET_FILE'))
    .addOption(env(new Option('--webhook-signing-secret-file <file>', 'enables signed registry webhooks (X-Scalerd-Signature) with this secret (or SCALERD_DEPLOYER_WEBHOOK_SIGNING_SECRET)'), 'WEBHOOK_SIGNING_SECRET_FILE'))
    .addOption(env(new Option('--webhook-tolerance <seconds>', 'a signed webhook\'s timestamp may be this far from now, 1 to 86400').default(DEFAULT_TOLERANCE_SECONDS).argParser(wholeNumberArg(1, 86_400)), 'WEBHOOK_TOLERANCE'))
    .addOption(env(new Option('--namespaces <list>', 'the namespaces descriptors may deploy to, comma-separated (default: the kubeconfig context\'s namespace; in a pod, its own)'), 'NAMESPACES'))
    .addOption(env(new Option('--pod-security <level>', 'the Pod Security Standards level every descriptor\'s pods must meet: baseline or restricted').default('baseline'), 'POD_SECURITY'))
    .addOption(env(new Option('--webhook-hosts <list>', 'hosts descriptors\' webhooks may call, comma-separated (name, *.domain or IP; internal ones allowed only so); default: any public host'), 'WEBHOOK_HOSTS'))
    .addOption(env(new Option('--webhook-allow-http', 'let descriptors\' webhooks use http:// (default: https only)').default(false), 'WEBHOOK_ALLOW_HTTP'))
    .addOption(env(new Option('--lock-ttl <seconds>', 'an app\'s lock outlives a dead deployer this long, 1 to 3600').default(15).argParser(wholeNumberArg(1, 3600)), 'LOCK_TTL'))
    .addOption(env(new Option('--history <n>', 'deployments kept per app').default(20).argParser(wholeNumberArg(1, MAX_HISTORY)), 'HISTORY'))
    .addOption(env(new Option('--reconcile-every <seconds>', 'between reconciles of what runs with the records (resume, remove orphans), 1 to 3600').default(60).argParser(wholeNumberArg(1, 3600)), 'RECONCILE_EVERY')), 'SCALERD_DEPLOYER_')
    .action(async (options: Options) => setExit(await runDeployer(options, io)));
}

async function runDeployer(options: Options, io: CliIo): Promise<ExitCode> {
  const connection = await readEtcdConnection(options, 'SCALERD_DEPLOYER_', 'deployer');
  // Everything is checked before anything connects: a mistake is a usage error (exit 2).
  const usage = (message: string) => new UsageError('SCALERD_ERR_CLI_USAGE', message);
  if (!options.lbUrl) throw usage('deployer needs --lb-url <url> (or SCALERD_DEPLOYER_LB_URL): haproxy\'s frontend, to verify switches');
  const lbUrl = URL.canParse(options.lbUrl) ? new URL(options.lbUrl) : undefined;
  if (lbUrl?.protocol !== 'http:') throw usage(`--lb-url ${options.lbUrl}: expected haproxy's HTTP frontend, such as http://127.0.0.1:8000`);
  const token = await readSecret({ flag: '--token-file', file: options.tokenFile, variable: 'SCALERD_DEPLOYER_TOKEN' });
  if (!token) throw usage('deployer needs a bearer token: --token-file <file> or SCALERD_DEPLOYER_TOKEN');
  const webhookSecret = await readSecret({ flag: '--webhook-secret-file', file: options.webhookSecretFile, variable: 'SCALERD_DEPLOYER_WEBHOOK_SECRET' });
  const webhookSigningSecret = await readSecret({ flag: '--webhook-signing-secret-file', file: options.webhookSigningSecretFile, variable: 'SCALERD_DEPLOYER_WEBHOOK_SIGNING_SECRET' });
  checkSecret(token, 'API token');
  if (webhookSecret !== undefined) checkSecret(webhookSecret, 'webhook secret');
  if (webhookSigningSecret !== undefined) checkSecret(webhookSigningSecret, 'webhook signing secret');
  if (webhookSecret !== undefined && webhookSecret === webhookSigningSecret) {
    // The static secret travels in every request: one that leaked must not let anyone sign.
    throw usage('the webhook secret and the webhook signing secret must differ');
  }
  // As `scalerd run --listen`: [host]:port, all interfaces without a host.
  let listen: ReturnType<typeof parseListen>;
  try {
    listen = parseListen(options.listen);
  } catch (error) {
    throw usage((error as Error).message);
  }
  const log = loggerFrom(options);

  const { target, deps } = connectKube(options, io, 'scalerd-deployer');
  const policy = policyFromFlags(options, target.namespace);
  const etcd = connectEtcd(connection, { clock: io.clock });
  const now = () => io.clock.now();
  const metrics = createDeployerMetrics();
  const deployer = new DeployerService({
    store: new DeployerStore(etcd, {
      lockTtlSeconds: options.lockTtl, historyLimit: options.history, wait,
      onLockTrouble: (event, error) => log.warn({ event: event === 'lost' ? 'lock-lost' : 'lock-keepalive-failed', err: error }, `app lock: ${error.message}`),
    }),
    engine: { cluster: createDeployerCluster(deps), lb: etcdLoadBalancer(etcd, { now, wait }), look: lookThrough(lbUrl.href), now, wait, timings: DEFAULT_TIMINGS },
    webhooks: { secrets: createSecretReader(deps), policy: policy.webhooks, now },
    log, metrics,
  });
  const api = createDeployerApi({
    deployer, token, policy, now, webhookToleranceSeconds: options.webhookTolerance, log, console: await loadConsoleAssets(), metrics: metrics.registry,
    ...(webhookSecret ? { webhookSecret } : {}), ...(webhookSigningSecret ? { webhookSigningSecret } : {}),
  });
  let server: Awaited<ReturnType<typeof api.listen>>;
  try {
    server = await bindOrExplain('--listen', options.listen, () => api.listen(listen.host ?? '0.0.0.0', listen.port));
  } catch (error) {
    // The etcd client would keep a failed start alive.
    await deployer.stop();
    etcd.close();
    throw error;
  }
  log.info({ event: 'listening', url: server.url, etcd: connection.hosts }, `deployer API and its console on ${server.url}; etcd ${describeEtcd(connection)}`);
  log.info(
    { event: 'policy', namespaces: policy.namespaces, podSecurity: policy.podSecurity, webhookHosts: policy.webhooks.allowedHosts, webhookAllowHttp: policy.webhooks.allowHttp },
    `descriptors may deploy to ${policy.namespaces === 'any' ? 'any namespace' : policy.namespaces.join(', ')}, at Pod Security level ${policy.podSecurity}`,
  );

  // io.signal may have fired while starting: aborted() is read, not only listened for.
  const stopping = io.signal ?? new AbortController().signal;
  // On start: what a previous deployer left RUNNING is resumed (waiting for its lock), then
  // reconciles run every --reconcile-every (the first at once: orphans, stale deployments).
  const resuming = deployer.resumeAll(stopping).catch((error: unknown) => {
    if (!stopping.aborted) log.error({ event: 'resume-failed', err: error }, `resuming deployments failed: ${(error as Error).message}`);
  }).then(() => {
    if (!stopping.aborted) deployer.reconcileEvery(options.reconcileEvery * 1000);
  });
  await new Promise<void>((resolve) => (stopping.aborted ? resolve() : stopping.addEventListener('abort', () => resolve(), { once: true })));
  log.info({ event: 'stopping' }, 'stopping: no new requests; deployments under way stop between steps and resume in the next deployer');
  await server.close();
  await resuming;
  await deployer.stop();
  etcd.close();
  return EXIT.ok;
}
