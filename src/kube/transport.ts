// The API clients the adapter talks through, all sharing one client-node Configuration
// whose one middleware every request passes: it takes a token from the rate limiter, then
// sets the User-Agent, the X-Scalerd-Client header (the simulator's recorder attributes
// mutations by it) and the request timeout.
//
// The same middleware swaps client-node's agent for a kept-alive one: client-node 1.x
// builds a new Agent for every request (KubeConfig.applySecurityAuthentication), so every
// call opened a new TCP connection and, against a real API server, a new TLS handshake —
// 500 evictions, 500 handshakes. One keep-alive agent per TLS identity instead (a client
// certificate rotated by an exec plugin gets a new one); proxy agents are left alone.
//
// One middleware, not three: client-node 1.x runs a call's post-middlewares over
// `configuration.middleware.reverse()`, which reverses the shared array in place, so with
// several middlewares their order flips from one call to the next. And the timeout must
// start after the limiter's wait, not before it.

import {
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  type KubeConfig,
  type Middleware,
  PatchStrategy,
  PolicyV1Api,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  createConfiguration,
  setHeaderOptions,
} from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { KubeConfigError } from './config.js';
import type { TokenBucket } from './rate-limiter.js';

/** client-node 1.x sends an object body as a JSON patch unless the content type says otherwise. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

export type Clients = {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly policy: PolicyV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly coordination: CoordinationV1Api;
};

export type TransportOptions = {
  readonly kubeConfig: KubeConfig;
  readonly limiter: TokenBucket;
  readonly userAgent: string;
  readonly clientId: string | undefined;
  readonly requestTimeoutMs: number;
};

export function createClients(options: TransportOptions): Clients {
  const keptAlive = keepAliveAgents();
  const cluster = options.kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new KubeConfigError('the kubeconfig\'s current context has no cluster with a server');
  const middleware: Middleware = {
    async pre(context: RequestContext): Promise<RequestContext> {
      await options.limiter.take();
      const agent = keptAlive(context.getAgent());
      if (agent) context.setAgent(agent);
      context.setHeaderParam('User-Agent', options.userAgent);
      if (options.clientId) context.setHeaderParam('X-Scalerd-Client', options.clientId);
      context.setSignal(AbortSignal.timeout(options.requestTimeoutMs));
      return context;
    },
    async post(context: ResponseContext): Promise<ResponseContext> {
      return context;
    },
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: options.kubeConfig },
    promiseMiddleware: [middleware],
  });
  return {
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    policy: new PolicyV1Api(configuration),
    autoscaling: new AutoscalingV2Api(configuration),
    coordination: new CoordinationV1Api(configuration),
  };
}

type AgentOptions = https.AgentOptions & http.AgentOptions;

/** A kept-alive stand-in for client-node's per-request agent, one per distinct TLS identity; undefined to keep the agent given. */
function keepAliveAgents(): (agent: unknown) => http.Agent | undefined {
  const agents = new Map<string, http.Agent>();
  return (agent) => {
    // Exactly Node's agents: a proxy agent (a subclass) carries its own connection logic.
    const secure = agent?.constructor === https.Agent;
    if (!secure && agent?.constructor !== http.Agent) return undefined;
    const given = (agent as http.Agent & { options: AgentOptions }).options;
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = given;
    const identity = JSON.stringify([secure, ca, cert, key, pfx, passphrase, rejectUnauthorized, servername]);
    let kept = agents.get(identity);
    if (!kept) {
      const tls = { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername };
      const defined = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
      kept = secure ? new https.Agent({ ...defined, keepAlive: true }) : new http.Agent({ keepAlive: true });
      agents.set(identity, kept);
    }
    return kept;
  };
}
