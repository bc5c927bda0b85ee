// POST /webhooks/registry: an image was pushed, so every stored descriptor with a container
// of that repository is deployed again with the new tag, as version "auto" (the seed's
// commit → build → registry → deploy path). Authenticated by its own secret or signature
// (auth.ts), not the token.
//
// Accepted bodies (docs/deployer-api.md):
//   { "repository": "scalerd/test-app", "tag": "7", "digest"?: "sha256:…" }
//   a Docker Registry notification envelope: { "events": [{ "action": "push",
//     "target": { "repository": "scalerd/test-app", "tag": "7", "digest": "sha256:…" }, … }] }
//     — events of other actions, and pushes without a tag (by digest, blobs), are skipped.
// A repository matches an image on any registry host: "scalerd/test-app" matches
// "scalerd/test-app:6" and "registry.example.com:5000/scalerd/test-app@sha256:…".
//
// Idempotent: registries send a notification again when they think it was lost, and an
// attacker may replay one. A push whose image (tag, and digest when given) an app already
// runs or is deploying answers 200 with that deployment instead of starting another.
// Pushes are handled one at a time, so two copies arriving together are one deployment.

import type { Logger } from 'pino';
import type { Descriptor } from '../descriptor/index.js';
import { type DeployerPolicy, policyViolations } from '../descriptor/policy/index.js';
import type { Deployer } from '../service/types.js';
import type { DeploymentRecord } from '../state/records.js';
import { parseBody, policyRefusal } from './body.js';
import { parsePushes, pushName, type RegistryPush, retag, runsPushes } from './registry-push.js';
import { ApiError, asApiError, errorReply, INTERNAL, type Reply, summary } from './reply.js';
import type { Route } from './router.js';

export type WebhookRouteOptions = { readonly deployer: Deployer; readonly log: Logger; readonly policy: DeployerPolicy };

export function webhookRoutes(o: WebhookRouteOptions): Route[] {
  // IMPORTANT: one push at a time. Two copies of a notification handled together would both
  // find nothing deploying yet, and the second would be refused (409) instead of answered
  // with the first's deployment.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = (work: () => Promise<Reply>): Promise<Reply> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return [{
    path: '/webhooks/registry', auth: 'webhook', methods: {
      POST: async ({ text }) => {
        const pushes = parsePushes(parseBody(await text()));
        return serially(() => deployPushes(o, pushes));
      },
    },
  }];
}

type Failure = { namespace: string; app: string; error: ApiError };

async function deployPushes({ deployer, log, policy }: WebhookRouteOptions, pushes: readonly RegistryPush[]): Promise<Reply> {
  const pushed = pushes.map(pushName).join(', ');
  const matched = (await deployer.listDescriptors()).flatMap((d) => retag(d, pushes) ?? []);
  if (matched.length === 0) return { status: 200, body: { started: [], existing: [], failed: [], message: `no stored descriptor uses ${pushed || 'a pushed tag'}` } };
  const started = [];
  const existing = [];
  const failed: Failure[] = [];
  // One at a time: each deploy takes its app's lock and checks etcd first.
  for (const descriptor of matched) {
    const { namespace, appName: app } = descriptor;
    try {
      const current = await alreadyThere(deployer, descriptor, pushes);
      if (current) {
        log.info({ event: 'webhook-duplicate', namespace, app, deployment: current.id, pushed }, `registry push ${pushed}: ${namespace}/${app} already runs it (deployment ${current.id}); nothing started`);
        existing.push(summary(current));
        continue;
      }
      // The stored descriptor passed the policy when stored; the operator's may have changed since.
      const violations = policyViolations(descriptor, policy);
      if (violations.length > 0) throw policyRefusal(violations);
      const record = await deployer.deploy(descriptor);
      log.info({ event: 'webhook-deploy', namespace, app, deployment: record.id, pushed }, `registry push ${pushed}: deploying ${namespace}/${app} version ${record.version}`);
      started.push(summary(record));
    } catch (error) {
      const refusal = asApiError(error);
      // A deployment started meanwhile (by another deployer) with this very push is this push.
      const racing = refusal?.status === 409 ? await runningWith(deployer, descriptor, refusal, pushes) : undefined;
      if (racing) {
        existing.push(summary(racing));
        continue;
      }
      if (!refusal) log.error({ event: 'webhook-deploy-failed', namespace, app, err: error }, `registry push ${pushed}: deploying ${namespace}/${app} failed`);
      failed.push({ namespace, app, error: refusal ?? INTERNAL });
    }
  }
  const failures = failed.map(({ namespace, app, error }) => ({ namespace, app, ...(errorReply(error).body as object) }));
  if (started.length > 0) return { status: 202, body: { started, existing, failed: failures } };
  if (existing.length > 0) return { status: 200, body: { started, existing, failed: failures, message: `registry push ${pushed}: already deployed or deploying; nothing started` } };
  // Nothing started: answer with the first refusal's status, so the registry tries again
  // later (once the deployment under way has ended, or etcd is back).
  const first = failed[0]!;
  throw new ApiError(first.error.status, first.error.code, `registry push ${pushed}: no deployment started; ${first.namespace}/${first.app}: ${first.error.message}`, { failed: failures });
}

/**
 * The app's deployment that runs the pushes already: one under way, or the one serving (the
 * newest that succeeded, unless the app was undeployed since). A failed deployment of the
 * same image does not count: the push may be sent again to try once more.
 */
async function alreadyThere(deployer: Deployer, descriptor: Descriptor, pushes: readonly RegistryPush[]): Promise<DeploymentRecord | undefined> {
  const history = [...await deployer.list(descriptor.namespace, descriptor.appName)].sort((a, b) => a.createdAt - b.createdAt);
  const running = history.find((r) => r.status === 'RUNNING' && runsPushes(r.descriptor, pushes));
  if (running) return running;
  const serving = history.filter((r) => r.status === 'SUCCESS').at(-1);
  return serving && serving.reason !== 'undeploy' && runsPushes(serving.descriptor, pushes) ? serving : undefined;
}

async function runningWith(deployer: Deployer, descriptor: Descriptor, refusal: ApiError, pushes: readonly RegistryPush[]): Promise<DeploymentRecord | undefined> {
  const running = (refusal.details as { running?: unknown } | undefined)?.running;
  if (typeof running !== 'string') return undefined;
  const record = await deployer.get(descriptor.namespace, descriptor.appName, running);
  return record && runsPushes(record.descriptor, pushes) ? record : undefined;
}
