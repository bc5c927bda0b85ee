// What the REST API and the CLI ask of the deployer: the operations, their outcomes as
// values, and the errors they can name. Implemented by DeployerService (service.ts).

import type { AppState } from './apps.js';
import type { Descriptor } from '../descriptor/index.js';
import type { DeploymentRecord, LogLine } from '../state/records.js';

/** A refusal the API maps to an HTTP status; anything else is a 500. */
export class DeployerError extends Error {
  constructor(
    readonly kind: 'conflict' | 'not-found' | 'precondition' | 'invalid',
    message: string,
    readonly detail: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DeployerError';
  }
}

export interface Deployer {
  /**
   * Starts a deployment and returns its record at once (status RUNNING); the work goes on in
   * the background. 'conflict' (with detail.running, the running deployment's id) when the
   * app has one under way; 'precondition' when etcd cannot be reached or refuses the deployer,
   * or the hostnames point at different backends.
   */
  deploy(descriptor: Descriptor): Promise<DeploymentRecord>;
  /**
   * Deploys the descriptor of the app's last successful deployment before the current one, as
   * a new version. `admit` sees that descriptor first and throws to refuse it (the operator's
   * policy may have changed since it was deployed).
   */
  rollback(namespace: string, app: string, admit?: (descriptor: Descriptor) => void): Promise<DeploymentRecord>;
  /** Removes every version of the app and its frontends ('not-found' when there is none). */
  undeploy(namespace: string, app: string): Promise<DeploymentRecord>;
  get(namespace: string, app: string, id: string): Promise<DeploymentRecord | undefined>;
  /** Every app the deployer knows, with the version each hostname serves now and the versions present. */
  apps(): Promise<AppState[]>;
  /** Oldest first; all apps, a namespace's, or one app's. */
  list(namespace?: string, app?: string): Promise<DeploymentRecord[]>;
  logs(namespace: string, app: string, id: string): Promise<LogLine[]>;
  /** Calls `onLine` with every log line, those already written first, until the deployment ends or `signal` aborts. */
  follow(namespace: string, app: string, id: string, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<DeploymentRecord | undefined>;
  /** Stored descriptors (what the registry webhook redeploys with a new image). */
  putDescriptor(descriptor: Descriptor): Promise<void>;
  getDescriptor(namespace: string, app: string): Promise<Descriptor | undefined>;
  listDescriptors(): Promise<Descriptor[]>;
  deleteDescriptor(namespace: string, app: string): Promise<boolean>;
}
