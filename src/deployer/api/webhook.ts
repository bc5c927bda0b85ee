// POST /webhooks/registry: an image was pushed, so every stored descriptor with a container
// of that repository is deployed again with the new tag, as version "auto" (the seed's
// commit → build → registry → deploy path). Authenticated by its own secret, not the token.
//
// Accepted bodies (docs/deployer-api.md):
//   { "repository": "scalerd/test-app", "tag": "7" }
//   a Docker Registry notification envelope: { "events": [{ "action": "push",
//     "target": { "repository": "scalerd/test-app", "tag": "7", … }, … }] } — events of
//     other actions, and pushes without a tag (by digest, blobs), are skipped.
// A repository matches an image on any registry host: "scalerd/test-app" matches
// "scalerd/test-app:6" and "registry.example.com:5000/scalerd/test-app@sha256:…".

import type { Logger } from 'pino';
import type { Container, Descriptor } from '../descriptor/index.js';
import type { Deployer } from '../service/types.js';
import { parseBody } from './body.js';
import { ApiError, asApiError, errorReply, INTERNAL, summary } from './reply.js';
import type { Route } from './router.js';

export type RegistryPush = { readonly repository: string; readonly tag: string };

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SHAPE = 'expected {"repository": "<name>", "tag": "<tag>"} or a registry notification {"events": [{"action": "push", "target": {"repository", "tag"}}]}';

/** The pushes a webhook body announces; 400 for a body of another shape. */
export function parsePushes(body: unknown): RegistryPush[] {
  const bad = (why: string): ApiError => new ApiError(400, 'SCALERD_ERR_API_REQUEST', `${why}: ${SHAPE}`);
  const push = (value: Record<string, unknown>, where: string): RegistryPush => {
    const { repository, tag } = value;
    if (typeof repository !== 'string' || !REPOSITORY.test(repository)) throw bad(`${where}repository ${JSON.stringify(repository)} is not an image repository`);
    if (typeof tag !== 'string' || !TAG.test(tag)) throw bad(`${where}tag ${JSON.stringify(tag)} is not an image tag`);
    return { repository, tag };
  };
  if (!isObject(body)) throw bad('the body is not an object');
  if (!('events' in body)) return [push(body, '')];
  if (!Array.isArray(body.events)) throw bad('events is not an array');
  return body.events.flatMap((event: unknown, i) => {
    if (!isObject(event) || !isObject(event.target)) throw bad(`events[${i}] has no target`);
    return event.action === 'push' && event.target.tag !== undefined ? [push(event.target, `events[${i}].target.`)] : [];
  });
}

/** The repository an image reference names, without registry host, tag or digest ("nginx" → "library/nginx"). */
export function imageRepository(image: string): string {
  const components = imageName(image).split('/');
  const first = components[0] ?? '';
  const path = components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? components.slice(1) : components;
  return path.length === 1 ? `library/${path[0]}` : path.join('/');
}

/** The reference without tag or digest. */
function imageName(image: string): string {
  const name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** The descriptor with the pushed tags in every (init) container of a pushed repository, as version "auto"; undefined when none uses one. */
export function retag(descriptor: Descriptor, pushes: readonly RegistryPush[]): Descriptor | undefined {
  let used = false;
  const update = (container: Container): Container => {
    const repository = imageRepository(container.image);
    const push = pushes.findLast((p) => imageRepository(p.repository) === repository);
    if (!push) return container;
    used = true;
    return { ...container, image: `${imageName(container.image)}:${push.tag}` };
  };
  const { initContainers, containers } = descriptor.podSpec;
  const podSpec = { ...descriptor.podSpec, containers: containers.map(update), ...(initContainers ? { initContainers: initContainers.map(update) } : {}) };
  return used ? { ...descriptor, podSpec, version: 'auto' } : undefined;
}

export function webhookRoutes(deployer: Deployer, log: Logger): Route[] {
  return [{
    path: '/webhooks/registry', auth: 'webhook', methods: {
      POST: async ({ text }) => {
        const pushes = parsePushes(parseBody(await text()));
        const pushed = pushes.map((p) => `${p.repository}:${p.tag}`).join(', ');
        const matched = (await deployer.listDescriptors()).flatMap((d) => retag(d, pushes) ?? []);
        if (matched.length === 0) return { status: 200, body: { started: [], failed: [], message: `no stored descriptor uses ${pushed || 'a pushed tag'}` } };
        const started = [];
        const failed: { namespace: string; app: string; error: ApiError }[] = [];
        // One at a time: each deploy takes its app's lock and checks etcd first.
        for (const descriptor of matched) {
          const { namespace, appName: app } = descriptor;
          try {
            const record = await deployer.deploy(descriptor);
            log.info({ event: 'webhook-deploy', namespace, app, deployment: record.id, pushed }, `registry push ${pushed}: deploying ${namespace}/${app} version ${record.version}`);
            started.push(summary(record));
          } catch (error) {
            const refusal = asApiError(error);
            if (!refusal) log.error({ event: 'webhook-deploy-failed', namespace, app, err: error }, `registry push ${pushed}: deploying ${namespace}/${app} failed`);
            failed.push({ namespace, app, error: refusal ?? INTERNAL });
          }
        }
        const failures = failed.map(({ namespace, app, error }) => ({ namespace, app, ...(errorReply(error).body as object) }));
        if (started.length > 0) return { status: 202, body: { started, failed: failures } };
        // Nothing started: answer with the first refusal's status, so the registry tries again
        // later (once the deployment under way has ended, or etcd is back).
        const first = failed[0]!;
        throw new ApiError(first.error.status, first.error.code, `registry push ${pushed}: no deployment started; ${first.namespace}/${first.app}: ${first.error.message}`, { failed: failures });
      },
    },
  }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
