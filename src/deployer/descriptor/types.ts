// The deployer's descriptor: as written (deployer/descriptor.schema.json, after the schema
// check) and as used (every default applied, the health port resolved). See
// docs/deployer-descriptor.md for the meaning of each field.

/** A ContainerPort; fields the deployer does not read pass through. */
export type ContainerPort = {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly [field: string]: unknown;
};

/** An EnvVar: a value or a valueFrom. */
export type EnvVar = { readonly name: string; readonly value?: string; readonly valueFrom?: unknown; readonly [field: string]: unknown };

/** A Container; fields the deployer does not read pass through. */
export type Container = {
  readonly name: string;
  readonly image: string;
  readonly ports?: readonly ContainerPort[];
  readonly env?: readonly EnvVar[];
  readonly readinessProbe?: unknown;
  readonly [field: string]: unknown;
};

/** A core/v1 PodSpec, checked where the deployer relies on it and passed through elsewhere. */
export type PodSpec = {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly [field: string]: unknown;
};

/** An explicit version, or "auto": one more than the newest present (resolveVersion). */
export type RequestedVersion = number | 'auto';

export const DEPLOY_EVENTS = ['started', 'succeeded', 'failed', 'rolled-back', 'undeployed'] as const;
export type DeployEvent = (typeof DEPLOY_EVENTS)[number];

export type HealthCheckDocument = {
  enabled?: boolean;
  path?: string;
  port?: string | number;
  intervalMs?: number;
  timeoutMs?: number;
  successes?: number;
  deadlineMs?: number;
  expectVersion?: boolean;
};

/** A key of a Secret in the descriptor's namespace: what signs a webhook's calls. */
export type SecretKeyRef = { readonly name: string; readonly key: string };

export type WebhookDocument = { url: string; events?: DeployEvent[]; secretRef?: SecretKeyRef };

export type BakeDocument = { durationMs?: number; max5xxPercent?: number; maxConnectionErrors?: number; maxServersDown?: number };

/** The descriptor as written, after it passed the JSON Schema. */
export type DescriptorDocument = {
  $schema?: string;
  description?: string;
  namespace: string;
  appName: string;
  version: RequestedVersion;
  replicas?: number;
  frontends: string[];
  podSpec: PodSpec;
  environment?: Record<string, string>;
  healthCheck?: HealthCheckDocument;
  drainDelayMs?: number;
  bake?: BakeDocument;
  webhooks?: WebhookDocument[];
};

export type HealthCheck = {
  readonly enabled: boolean;
  /** GET this path on every pod. */
  readonly path: string;
  /** The port number checked, resolved from a port name when one was given. */
  readonly port: number;
  /** The container that declares the port (the first container when it is declared by none). */
  readonly container: string;
  readonly intervalMs: number;
  /** One request's time limit. */
  readonly timeoutMs: number;
  /** Consecutive passed checks each pod needs. */
  readonly successes: number;
  /** Time all pods have to pass, from the first check. */
  readonly deadlineMs: number;
  /** The health answer's version must equal the deployed version. */
  readonly expectVersion: boolean;
};

export type Webhook = {
  readonly url: string;
  readonly events: readonly DeployEvent[];
  /** Read when the webhook is called; its value signs the call (X-Scalerd-Signature). */
  readonly secretRef?: SecretKeyRef;
};

/**
 * After the switch, the new version serves with the old one kept running for `durationMs`;
 * haproxy's counters for the new backend (reported by lb-sync) must stay within these
 * limits, or traffic goes back at once (docs/deployer-descriptor.md, Bake).
 */
export type Bake = {
  /** 0: no bake. */
  readonly durationMs: number;
  /** Of the new backend's responses during the bake, in percent. */
  readonly max5xxPercent: number;
  /** Failed connections to its servers (haproxy's econ). */
  readonly maxConnectionErrors: number;
  /** Times one of its servers went DOWN in haproxy's health checks. */
  readonly maxServersDown: number;
};

/** A checked descriptor with every default applied. */
export type Descriptor = {
  readonly namespace: string;
  readonly appName: string;
  readonly version: RequestedVersion;
  readonly replicas: number;
  readonly frontends: readonly string[];
  readonly podSpec: PodSpec;
  readonly environment: Readonly<Record<string, string>>;
  readonly healthCheck: HealthCheck;
  /** How long the old version keeps running after the switch. */
  readonly drainDelayMs: number;
  readonly bake: Bake;
  readonly webhooks: readonly Webhook[];
};

/** The defaults, as deployer/descriptor.schema.json states them (a test keeps the two in step). */
export const DEFAULTS = {
  replicas: 1,
  drainDelayMs: 30_000,
  bake: { durationMs: 30_000, max5xxPercent: 1, maxConnectionErrors: 0, maxServersDown: 0 },
  healthCheck: { enabled: true, path: '/health', intervalMs: 1_000, timeoutMs: 2_000, successes: 3, deadlineMs: 60_000, expectVersion: true },
} as const;

/** The largest version: `<appName>-<version>` then fits a 63-character DNS label. */
export const MAX_VERSION = 999_999_999;

/** Set by the deployer in every container; a descriptor may not set them. */
export const RESERVED_ENV = ['APP_NAME', 'APP_VERSION', 'POD_NAME', 'POD_NAMESPACE'] as const;
