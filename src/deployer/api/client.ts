// The deployer API as the CLI calls it (fetch): deploy a descriptor's text, read
// deployments, follow a deployment's log stream to its end. A failed call is an ApiCallError
// (SCALERD_ERR_API_CALL) carrying the API's own error, so the CLI can show its diagnostics.

import { ScalerdError } from '../../errors.js';
import type { DeploymentRecord, LogLine } from '../state/records.js';
import { deploymentPath } from './reply.js';
import { SseParser } from '../../http/sse.js';

export type RemoteError = { readonly code: string; readonly message: string; readonly details?: unknown };

export class ApiCallError extends ScalerdError {
  constructor(
    message: string,
    /** The HTTP status, when the API answered. */
    readonly status: number | undefined,
    /** The API's error body, when it sent one. */
    readonly remote: RemoteError | undefined,
  ) {
    super('SCALERD_ERR_API_CALL', message);
  }
}

export type DeploymentSummary = Omit<DeploymentRecord, 'descriptor'>;

export type FollowEvent =
  | { readonly kind: 'log'; readonly line: LogLine }
  | { readonly kind: 'end'; readonly record: DeploymentSummary };

export type ClientOptions = {
  /** "http://127.0.0.1:8090", or with a path prefix behind a proxy. */
  readonly baseUrl: string;
  readonly token: string;
  /** Cancels every call (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Waits between reconnects of a log stream. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Reconnects of a dropped log stream before giving up (default 3). */
  readonly reconnects?: number;
};

export class DeployerClient {
  readonly #base: string;

  constructor(private readonly o: ClientOptions) {
    this.#base = o.baseUrl.replace(/\/+$/, '');
  }

  /** Where a path of the API is, as a full URL. */
  url(path: string): string {
    return `${this.#base}${path}`;
  }

  async deploy(descriptorText: string): Promise<{ record: DeploymentRecord; location: string }> {
    const response = await this.#call('POST', '/deployments', descriptorText);
    const record = (await response.json()) as DeploymentRecord;
    return { record, location: this.url(response.headers.get('location') ?? deploymentPath(record)) };
  }

  async list(namespace?: string, app?: string): Promise<DeploymentSummary[]> {
    const query = new URLSearchParams({ ...(namespace ? { namespace } : {}), ...(app ? { app } : {}) }).toString();
    return (await (await this.#call('GET', `/deployments${query ? `?${query}` : ''}`)).json()) as DeploymentSummary[];
  }

  /**
   * The deployment's log lines as they come, then its final record. A stream that drops is
   * taken up again after the last line seen (Last-Event-ID), up to `reconnects` times.
   */
  async *follow(record: Pick<DeploymentRecord, 'namespace' | 'app' | 'id'>): AsyncGenerator<FollowEvent> {
    const path = `${deploymentPath(record)}/logs/stream`;
    let last = 0;
    let dropped = 0;
    for (;;) {
      const response = await this.#call('GET', path, undefined, { accept: 'text/event-stream', ...(last > 0 ? { 'last-event-id': String(last) } : {}) });
      const parser = new SseParser();
      const decoder = new TextDecoder();
      let failure: unknown;
      try {
        for await (const chunk of response.body ?? []) {
          for (const event of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
            if (event.event === 'log') {
              last = Number(event.id ?? last + 1);
              yield { kind: 'log', line: JSON.parse(event.data) as LogLine };
            } else if (event.event === 'end') {
              yield { kind: 'end', record: JSON.parse(event.data) as DeploymentSummary };
              return;
            } else if (event.event === 'error') {
              const remote = (JSON.parse(event.data) as { error: RemoteError }).error;
              throw new ApiCallError(`log stream of ${record.id}: ${remote.code}: ${remote.message}`, response.status, remote);
            }
          }
        }
      } catch (error) {
        if (error instanceof ApiCallError || this.o.signal?.aborted) throw error;
        failure = error;
      }
      dropped += 1;
      if (dropped > (this.o.reconnects ?? 3)) {
        const why = failure instanceof Error ? `: ${failure.message}` : '';
        throw new ApiCallError(`the log stream of ${record.id} dropped ${dropped} times${why}; the deployment goes on (scalerd deployments ${record.namespace}/${record.app})`, undefined, undefined);
      }
      await this.o.sleep(1_000 * dropped, this.o.signal);
    }
  }

  async #call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        headers: { authorization: `Bearer ${this.o.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body }),
        ...(this.o.signal ? { signal: this.o.signal } : {}),
      });
    } catch (error) {
      if (this.o.signal?.aborted) throw new ApiCallError(`${method} ${path}: interrupted; whether the deployer acted on it is not known`, undefined, undefined);
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new ApiCallError(`${method} ${this.url(path)}: the deployer API cannot be reached: ${cause}`, undefined, undefined);
    }
    if (response.ok) return response;
    const remote = await response.json().then((b: unknown) => (b as { error?: RemoteError }).error, () => undefined);
    throw new ApiCallError(`${method} ${path}: ${response.status} ${remote ? `${remote.code}: ${remote.message}` : response.statusText}`, response.status, remote);
  }
}
