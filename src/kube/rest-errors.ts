// How a request to the API server can fail, as the REST layer throws it: an answer that is
// not a success (with the v1 Status it carried), no answer in time, no connection, or no
// credentials to send. failure.ts classifies these into KubeFailures; nothing above the
// adapter sees them. No message quotes a header, so no credential can leak through one.

export type StatusCause = { readonly reason?: string; readonly message?: string; readonly field?: string };

/** The parts of a metav1.Status the adapter reads. */
export type ApiStatus = { readonly reason?: string; readonly message?: string; readonly causes: readonly StatusCause[] };

/** A non-2xx answer, or a 2xx whose body is not JSON. */
export class KubeResponseError extends Error {
  constructor(
    readonly status: number,
    /** The Status the body held, when it held one (a 401 often has none; a proxy sends HTML). */
    readonly apiStatus: ApiStatus | undefined,
    /** The Retry-After header as sent. */
    readonly retryAfter: string | undefined,
    message = apiStatus?.message || `HTTP ${status}`,
  ) {
    super(message);
    this.name = 'KubeResponseError';
  }
}

/** The request's time limit passed before the answer was complete. */
export class KubeTimeoutError extends Error {
  constructor(message = 'the request timed out') {
    super(message);
    this.name = 'KubeTimeoutError';
  }
}

/** No answer: the connection was refused, reset, or its TLS handshake failed. */
export class KubeConnectionError extends Error {
  constructor(
    /** Node's error code (ECONNREFUSED, ECONNRESET, DEPTH_ZERO_SELF_SIGNED_CERT…), when there is one. */
    readonly code: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code ? `${code}: ${message}` : message, options);
    this.name = 'KubeConnectionError';
  }
}

/** The credentials for the request could not be had: an exec plugin failed, a token file went unreadable. */
export class KubeCredentialError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeCredentialError';
  }
}

/** The Status in an error answer's body, or undefined when the body is not one. */
export function parseStatus(body: string): ApiStatus | undefined {
  if (body === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // not a Status (a proxy's HTML page): the status code still classifies it
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { reason, message, details } = parsed as { reason?: unknown; message?: unknown; details?: { causes?: unknown } };
  return {
    ...(typeof reason === 'string' && reason ? { reason } : {}),
    ...(typeof message === 'string' && message ? { message } : {}),
    causes: Array.isArray(details?.causes) ? (details.causes as StatusCause[]) : [],
  };
}
