// Which container images run as real local processes in the simulated cluster, and what
// runs for each: the "image registry" of the simulated kubelet. An image is looked up by
// its name without tag or digest, first with its registry host, then without it.

import { fileURLToPath } from 'node:url';

/** What runs for an image: the image's entrypoint, as a local program. */
export type ProcessSpec = {
  /** The program: an absolute path, or a name looked up on PATH. */
  readonly command: string;
  /** Arguments before the container's own `args` (the image's CMD comes after them). */
  readonly args?: readonly string[];
  /** Environment the image sets; the container's own env overrides it. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory (default: the simulator's). */
  readonly cwd?: string;
};

/** Image name (no tag, no digest) → the process it runs. */
export type ProcessTable = Readonly<Record<string, ProcessSpec>>;

export const TEST_APP_IMAGE = 'scalerd/test-app';

/** examples/test-app/server.mjs: two levels up from src/sim/process and from dist/sim/process alike. */
export const TEST_APP_SERVER = fileURLToPath(new URL('../../../examples/test-app/server.mjs', import.meta.url));

/** The default table: the test app, run by the Node that runs the simulator. */
export const DEFAULT_PROCESSES: ProcessTable = { [TEST_APP_IMAGE]: { command: process.execPath, args: [TEST_APP_SERVER] } };

/** "registry.example.com:5000/scalerd/test-app:2@sha256:…" → { name: "registry.example.com:5000/scalerd/test-app", short: "scalerd/test-app" }. */
export function imageName(image: string): { name: string; short: string } {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  const [first, ...rest] = name.split('/');
  // A first component with a dot or a port, or "localhost", is a registry host (as Docker reads it).
  const hasRegistry = rest.length > 0 && (/[.:]/.test(first!) || first === 'localhost');
  let short = hasRegistry ? rest.join('/') : name;
  if (short.startsWith('library/')) short = short.slice('library/'.length);
  return { name, short };
}

export function processFor(table: ProcessTable, image: string | undefined): ProcessSpec | undefined {
  if (!image) return undefined;
  const { name, short } = imageName(image);
  return Object.hasOwn(table, name) ? table[name] : Object.hasOwn(table, short) ? table[short] : undefined;
}

/** Checked when the simulator starts, not when the first pod does. */
export function checkProcessTable(table: unknown): ProcessTable {
  if (!table || typeof table !== 'object' || Array.isArray(table)) throw new TypeError('processes must be an object of image name → { command, args?, env?, cwd? }');
  for (const [image, spec] of Object.entries(table as Record<string, unknown>)) {
    const where = `processes["${image}"]`;
    if (image === '' || /[:@]/.test(image.slice(image.lastIndexOf('/') + 1))) throw new TypeError(`${where}: the key is an image name without tag or digest`);
    const s = spec as Partial<Record<keyof ProcessSpec, unknown>> | undefined;
    if (!s || typeof s !== 'object') throw new TypeError(`${where} must be { command, args?, env?, cwd? }`);
    if (typeof s.command !== 'string' || s.command === '') throw new TypeError(`${where}.command must be a non-empty string`);
    if (s.args !== undefined && !(Array.isArray(s.args) && s.args.every((a) => typeof a === 'string'))) throw new TypeError(`${where}.args must be an array of strings`);
    if (s.env !== undefined && !(s.env && typeof s.env === 'object' && Object.values(s.env).every((v) => typeof v === 'string'))) throw new TypeError(`${where}.env must map names to strings`);
    if (s.cwd !== undefined && typeof s.cwd !== 'string') throw new TypeError(`${where}.cwd must be a string`);
  }
  return table as ProcessTable;
}
