// What a registry push says and what it changes, pure: the pushes a webhook body announces,
// the repository an image reference names, a descriptor retagged with a push, and whether
// a descriptor already runs what was pushed (the webhook's idempotency).

import type { Container, Descriptor } from '../descriptor/index.js';
import { ApiError } from './reply.js';

/** A pushed image: its tag, and its digest when the registry said (the image is then pinned to it). */
export type RegistryPush = { readonly repository: string; readonly tag: string; readonly digest?: string };

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// OCI image-spec digests: algorithm:encoded; sha256 is 64 lowercase hex digits.
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}|[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,})$/;
const SHAPE = 'expected {"repository": "<name>", "tag": "<tag>", "digest"?: "sha256:<hex>"} or a registry notification {"events": [{"action": "push", "target": {"repository", "tag", "digest"?}}]}';

/** The pushes a webhook body announces; 400 for a body of another shape. */
export function parsePushes(body: unknown): RegistryPush[] {
  const bad = (why: string): ApiError => new ApiError(400, 'SCALERD_ERR_API_REQUEST', `${why}: ${SHAPE}`);
  const push = (value: Record<string, unknown>, where: string): RegistryPush => {
    const { repository, tag, digest } = value;
    if (typeof repository !== 'string' || !REPOSITORY.test(repository)) throw bad(`${where}repository ${JSON.stringify(repository)} is not an image repository`);
    if (typeof tag !== 'string' || !TAG.test(tag)) throw bad(`${where}tag ${JSON.stringify(tag)} is not an image tag`);
    if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) throw bad(`${where}digest ${JSON.stringify(digest)} is not an image digest`);
    return { repository, tag, ...(digest === undefined ? {} : { digest }) };
  };
  if (!isObject(body)) throw bad('the body is not an object');
  if (!('events' in body)) return [push(body, '')];
  if (!Array.isArray(body.events)) throw bad('events is not an array');
  return body.events.flatMap((event: unknown, i) => {
    if (!isObject(event) || !isObject(event.target)) throw bad(`events[${i}] has no target`);
    return event.action === 'push' && event.target.tag !== undefined ? [push(event.target, `events[${i}].target.`)] : [];
  });
}

/** "scalerd/test-app:7", "…:7@sha256:…": a push as people read it. */
export const pushName = (p: RegistryPush): string => `${p.repository}:${p.tag}${p.digest ? `@${p.digest}` : ''}`;

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

/** The pod spec with the pushed tags (and digests) in every (init) container of a pushed repository; undefined when none uses one. */
function retagPodSpec(podSpec: Descriptor['podSpec'], pushes: readonly RegistryPush[]): Descriptor['podSpec'] | undefined {
  let used = false;
  const update = (container: Container): Container => {
    const repository = imageRepository(container.image);
    const push = pushes.findLast((p) => imageRepository(p.repository) === repository);
    if (!push) return container;
    used = true;
    return { ...container, image: `${imageName(container.image)}:${push.tag}${push.digest ? `@${push.digest}` : ''}` };
  };
  const { initContainers, containers } = podSpec;
  const next = { ...podSpec, containers: containers.map(update), ...(initContainers ? { initContainers: initContainers.map(update) } : {}) };
  return used ? next : undefined;
}

/** The descriptor with the pushed images, as version "auto"; undefined when none of its containers uses a pushed repository. */
export function retag(descriptor: Descriptor, pushes: readonly RegistryPush[]): Descriptor | undefined {
  const podSpec = retagPodSpec(descriptor.podSpec, pushes);
  return podSpec ? { ...descriptor, podSpec, version: 'auto' } : undefined;
}

/**
 * Whether a deployed descriptor already runs the pushes: every container of a pushed
 * repository has the pushed reference. A record's descriptor is JSON from etcd; anything
 * without a pod spec runs nothing.
 */
export function runsPushes(deployed: unknown, pushes: readonly RegistryPush[]): boolean {
  const podSpec = (deployed as Partial<Descriptor> | undefined)?.podSpec;
  if (!podSpec || !Array.isArray(podSpec.containers)) return false;
  const retagged = retagPodSpec(podSpec, pushes);
  if (!retagged) return false;
  const images = (spec: Descriptor['podSpec']) => [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.image).join('\n');
  return images(retagged) === images(podSpec);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
