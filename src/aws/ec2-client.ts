// scalerd's EC2 client: DescribeInstances over EC2's Query protocol, made of the SDK's own
// parts, so that it behaves on the wire and under failure as @aws-sdk/client-ec2 did without
// loading its 2 MB of schemas for ~750 operations (~57 MB of memory):
//   signing     @smithy/signature-v4 with the Auto Scaling client's credentials (the default
//               chain, refreshed) and hash, clock skew corrected as the SDK corrects it;
//   sending     a @smithy/node-http-handler NodeHttpHandler with the clients' timeouts;
//   retrying    the strategy clients.ts builds, driven as the SDK's retry middleware drives it,
//               each failed attempt told to the observer as failed-attempts.ts does for the SDK;
//   errors      shaped as the SDK's (name and Code, message, $metadata), for errors.ts.

import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { HttpRequest, type HttpResponse } from '@smithy/core/protocols';
import { v4 as invocationId } from '@smithy/core/serde';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ApiCallObserver } from '../ports/api-errors.js';
import { ec2Endpoint } from './ec2-endpoint.js';
import { describeInstancesBody, readDescribeInstances, readErrorAnswer, type DescribeInstancesInput, type DescribeInstancesPage } from './ec2-query.js';
import { reportFailedAttempt } from './failed-attempts.js';
import { withRetries, type Metadata, type RetryStrategy } from './retry-loop.js';

export type { DescribeInstancesInput, Ec2Instance } from './ec2-query.js';

export type DescribeInstancesOutput = Omit<DescribeInstancesPage, 'requestId'> & { readonly $metadata: Metadata };

/** The one EC2 operation scalerd uses. Failures are thrown as the SDK throws them; see errors.ts. */
export interface Ec2Client {
  /** One page; pass its NextToken back for the next. */
  describeInstances(input: DescribeInstancesInput): Promise<DescribeInstancesOutput>;
  /** Closes the sockets; the client must not be used afterwards. */
  destroy(): void;
}

export type Ec2ClientOptions = {
  /** Lends its credential provider, hash, region, endpoint settings and SDK user agent. */
  readonly autoscaling: AutoScalingClient;
  readonly maxAttempts: number;
  /** scalerd's version, for `scalerd/<version>` in the User-Agent. */
  readonly version: string;
  /** A strategy of EC2's own: throttling in one service must not slow the other. */
  readonly retryStrategy: RetryStrategy;
  readonly requestHandler: ConstructorParameters<typeof NodeHttpHandler>[0];
  /** Told of every failed attempt (failed-attempts.ts). */
  readonly onApiCall?: ApiCallObserver;
};

/**
 * Requests are signed by the machine's wall clock, as the SDK signs them, never by scalerd's
 * Clock: that one may be simulated, and AWS refuses a signature more than 5 minutes off.
 */
const wallClock = (): number => Date.now();

export function createEc2Client(options: Ec2ClientOptions): Ec2Client {
  return new Ec2QueryClient(options);
}

/** An answer other than 2xx, shaped as the SDK's service exceptions: name and Code are EC2's error code. */
class Ec2ServiceError extends Error {
  override readonly name: string;
  readonly Code: string;
  declare readonly $response: HttpResponse;
  constructor(
    code: string,
    message: string,
    readonly $metadata: Metadata & { clockSkewCorrected?: true },
    response: HttpResponse,
  ) {
    super(message);
    this.name = code;
    this.Code = code;
    // Not enumerable, as in the SDK: kept for Retry-After, never logged with the error.
    Object.defineProperty(this, '$response', { value: response, enumerable: false });
  }
}

/** The SDK's feature letter for the adaptive retry mode (middleware-user-agent's RETRY_MODE_ADAPTIVE). */
const ADAPTIVE_RETRY_FEATURE = 'm/F';
/** Skew from which the SDK takes a failure for its clock's fault and retries it (AwsSdkSigV4Signer). */
const SKEW_CORRECTED_MS = 240_000;
/** Past this, an answer's Date says little of when the request was signed (the SDK's bound). */
const SLOW_ANSWER_MS = 900_000;

class Ec2QueryClient implements Ec2Client {
  readonly #o: Ec2ClientOptions;
  readonly #signer: SignatureV4;
  readonly #handler: NodeHttpHandler;
  readonly #endpoint: () => Promise<URL>;
  readonly #userAgent: () => Promise<Record<string, string>>;
  /** Server time minus ours, learnt from answers' Date headers. */
  #clockOffset = 0;

  constructor(o: Ec2ClientOptions) {
    const config = o.autoscaling.config;
    this.#o = o;
    this.#signer = new SignatureV4({ service: 'ec2', region: config.region, credentials: config.credentials, sha256: config.sha256 });
    this.#handler = new NodeHttpHandler(o.requestHandler);
    this.#endpoint = onceResolved(() => ec2Endpoint(config));
    this.#userAgent = onceResolved(() => userAgentHeaders(config, o.version));
  }

  async describeInstances(input: DescribeInstancesInput): Promise<DescribeInstancesOutput> {
    const [url, userAgent] = await Promise.all([this.#endpoint(), this.#userAgent()]);
    const body = describeInstancesBody(input);
    const port = url.port === '' ? undefined : Number(url.port);
    const request = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(port !== undefined ? { port } : {}),
      path: url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
        ...userAgent,
        host: port !== undefined ? `${url.hostname}:${port}` : url.hostname,
        // One id for every attempt of the call, as the SDK's retry middleware sets it.
        'amz-sdk-invocation-id': invocationId(),
      },
      body,
    });
    const { onApiCall } = this.#o;
    const { value, attempts } = await withRetries(this.#o.retryStrategy, async (n) => {
      request.headers['amz-sdk-request'] = `attempt=${n}; max=${this.#o.maxAttempts}`;
      try {
        const answer = await this.#attempt(request);
        onApiCall?.('aws', 'DescribeInstances', 'ok');
        return answer;
      } catch (error) {
        if (onApiCall) reportFailedAttempt(onApiCall, 'DescribeInstances', error);
        throw error;
      }
    });
    return { ...value, $metadata: { ...value.$metadata, attempts } };
  }

  destroy(): void {
    this.#handler.destroy();
  }

  async #attempt(request: HttpRequest): Promise<DescribeInstancesOutput> {
    const sentAt = wallClock();
    // IMPORTANT: signed anew for each attempt: the date, the attempt header and fresh credentials.
    const signed = await this.#signer.sign(request, { signingDate: new Date(sentAt + this.#clockOffset) });
    const { response } = await this.#handler.handle(signed as HttpRequest);
    const text = Buffer.from(await streamCollector(response.body)).toString('utf8');
    const skewCorrected = this.#learnClock(response, sentAt);
    const headerId = header(response, 'x-amzn-requestid') ?? header(response, 'x-amz-request-id');
    if (response.statusCode >= 300) throw errorOf(response, text, headerId, skewCorrected);
    const metadata = (requestId: string | undefined): Metadata => ({ httpStatusCode: response.statusCode, ...(requestId !== undefined ? { requestId } : {}) });
    let page: DescribeInstancesPage;
    try {
      page = readDescribeInstances(text);
    } catch (error) {
      throw Object.assign(error as Error, { $metadata: metadata(headerId) });
    }
    const { requestId, ...rest } = page;
    return { ...rest, $metadata: metadata(headerId ?? requestId) };
  }

  /**
   * The SDK's clock-skew correction: every answer's Date sets the offset the next request is
   * signed with; true when this answer moved it to 4 minutes or more, so that its error
   * (RequestExpired, SignatureDoesNotMatch, …) is retried with the corrected clock.
   */
  #learnClock(response: HttpResponse, sentAt: number): boolean {
    const serverTime = Date.parse(header(response, 'date') ?? '');
    const receivedAt = wallClock();
    // A cached answer (Age) or a very slow one tells nothing about the clocks.
    if (Number.isNaN(serverTime) || header(response, 'age') !== undefined || receivedAt - sentAt > SLOW_ANSWER_MS) return false;
    const before = this.#clockOffset;
    this.#clockOffset = serverTime - receivedAt;
    return Math.abs(this.#clockOffset) >= SKEW_CORRECTED_MS && this.#clockOffset !== before;
  }
}

function errorOf(response: HttpResponse, text: string, headerId: string | undefined, skewCorrected: boolean): Ec2ServiceError {
  const status = response.statusCode;
  const answer = readErrorAnswer(text);
  const requestId = headerId ?? answer?.requestId;
  const metadata = { httpStatusCode: status, ...(requestId !== undefined ? { requestId } : {}), ...(skewCorrected ? { clockSkewCorrected: true as const } : {}) };
  if (answer) return new Ec2ServiceError(answer.code, answer.message, metadata, response);
  // No EC2 error document (a proxy's page, an empty body): the SDK's names for that.
  return new Ec2ServiceError(status === 404 ? 'NotFound' : 'Unknown', `EC2 answered HTTP ${status} without an error code`, metadata, response);
}

function header(response: HttpResponse, name: string): string | undefined {
  const found = Object.keys(response.headers).find((k) => k.toLowerCase() === name);
  return found === undefined ? undefined : response.headers[found];
}

/**
 * The SDK's two agent headers: x-amz-user-agent (signed) names the SDK and scalerd; user-agent
 * adds the SDK's platform sections (os, runtime, execution environment) from the Auto Scaling
 * client, with EC2 as the API.
 */
async function userAgentHeaders(config: AutoScalingClient['config'], version: string): Promise<Record<string, string>> {
  const sdk = (await config.defaultUserAgentProvider()).map(([name, value]) => (name.startsWith('api/') ? 'api/ec2' : uaSection(name, value)));
  const scalerd = uaSection('scalerd', version);
  return {
    'x-amz-user-agent': [...sdk.filter((s) => s.startsWith('aws-sdk-')), scalerd].join(' '),
    'user-agent': [...sdk, ADAPTIVE_RETRY_FEATURE, scalerd].join(' '),
  };
}

/** The SDK's escaping of a user-agent pair: "name/value", or "prefix/name#value" for a name with a prefix. */
function uaSection(name: string, value: string | undefined): string {
  const escapedName = name
    .split('/')
    .map((part) => part.replace(/[^!$%&'*+\-.^_`|~\w]/g, '-'))
    .join('/');
  const escapedValue = value?.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-');
  if (!escapedValue) return escapedName;
  return escapedName.includes('/') ? `${escapedName}#${escapedValue}` : `${escapedName}/${escapedValue}`;
}

/** Resolves once and keeps the value; a failure is not kept, so the next call tries again. */
function onceResolved<T>(resolve: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= resolve().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
