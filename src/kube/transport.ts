// The API clients the adapter talks through, all sharing one client-node Configuration
// whose one middleware every request passes: it takes a token from the rate limiter, then
// sets the User-Agent, the X-Scalerd-Client header (the simulator's recorder attributes
// mutations by it) and the request timeout.
//
// One middleware, not three: client-node 1.x runs a call's post-middlewares over
// `configuration.middleware.reverse()`, which reverses the shared array in place, so with
// several middlewares their order flips from one call to the next. And the timeout must
// start after the limiter's wait, not before it.

import {
  AppsV1Api,
  AutoscalingV2Api,
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
import { KubeConfigError } from './config.js';
import type { TokenBucket } from './rate-limiter.js';

/** client-node 1.x sends an object body as a JSON patch unless the content type says otherwise. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export type Clients = {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly policy: PolicyV1Api;
  readonly autoscaling: AutoscalingV2Api;
};

export type TransportOptions = {
  readonly kubeConfig: KubeConfig;
  readonly limiter: TokenBucket;
  readonly userAgent: string;
  readonly clientId: string | undefined;
  readonly requestTimeoutMs: number;
};

export function createClients(options: TransportOptions): Clients {
  const cluster = options.kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new KubeConfigError('the kubeconfig\'s current context has no cluster with a server');
  const middleware: Middleware = {
    async pre(context: RequestContext): Promise<RequestContext> {
      await options.limiter.take();
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
  };
}
