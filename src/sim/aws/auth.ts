// Who may call the simulated AWS: a request must carry a SigV4 signature made with one of the
// key pairs the simulator was started with, for its region and the service it calls, within
// the clock skew the service allows. Each refusal is the one the service answers, in its words
// (Auto Scaling answers as the other awsQuery services do, EC2 in its own dialect).

import { timingSafeEqual } from 'node:crypto';
import { fail, ok, sender, type AwsFault, type Result } from './errors.js';
import { canonicalRequest, longDateOf, parseAuthorization, parseLongDate, signatureOf, stringToSign, TERMINATOR, type SignedRequest } from './sigv4.js';

export type AwsCredentials = { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

/** What a service answers to each way a request can fail authentication. */
export type AuthWords = {
  /** The service in the credential scope: autoscaling, ec2. */
  readonly signingName: string;
  /** How far the signing time may be from the service's clock, either way. */
  readonly skewMs: number;
  readonly unsigned: AwsFault;
  readonly unknownKey: AwsFault;
  incomplete(problem: string): AwsFault;
  /** `detail` is the sentence the awsQuery services give for a scope that is wrong. */
  mismatch(detail?: string): AwsFault;
  skewed(signedAt: string, now: number): AwsFault;
};

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const minutes = (ms: number): number => ms / 60_000;

const AUTOSCALING_SKEW_MS = 5 * 60_000;

export const AUTOSCALING_AUTH: AuthWords = {
  signingName: 'autoscaling',
  skewMs: AUTOSCALING_SKEW_MS,
  unsigned: sender('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  unknownKey: sender('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
  incomplete: (problem) => sender('IncompleteSignature', problem),
  mismatch: (detail = MISMATCH) => sender('SignatureDoesNotMatch', detail, 403),
  skewed(signedAt, now) {
    const skew = AUTOSCALING_SKEW_MS;
    const late = parseLongDate(signedAt)! < now;
    const message = late
      ? `Signature expired: ${signedAt} is now earlier than ${longDateOf(now - skew)} (${longDateOf(now)} - ${minutes(skew)} min.)`
      : `Signature not yet current: ${signedAt} is still later than ${longDateOf(now + skew)} (${longDateOf(now)} + ${minutes(skew)} min.)`;
    return sender('SignatureDoesNotMatch', message, 403);
  },
};

const EC2_AUTH_FAILURE = sender('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);

/** EC2 tells less: every bad signature or scope is AuthFailure, a stale or early one RequestExpired (15 minutes, its documented window). */
export const EC2_AUTH: AuthWords = {
  signingName: 'ec2',
  skewMs: 15 * 60_000,
  unsigned: sender('MissingParameter', 'The request must contain the parameter AWSAccessKeyId'),
  unknownKey: EC2_AUTH_FAILURE,
  // The awsQuery parser's words; not found verbatim for EC2.
  incomplete: (problem) => sender('IncompleteSignature', problem),
  mismatch: () => EC2_AUTH_FAILURE,
  skewed: () => sender('RequestExpired', 'Request has expired.'),
};

export type AuthContext = {
  /** Accepted key pairs by access key id. */
  readonly keys: ReadonlyMap<string, AwsCredentials>;
  readonly region: string;
  readonly words: AuthWords;
  /** Real time, ms: what the client signed by (see query-api.ts). */
  readonly now: number;
};

const one = (value: string | readonly string[] | undefined): string | undefined => (typeof value === 'string' ? value : value?.[0]);

/** The access key id of a request whose signature holds, or the service's refusal. */
export function authenticate(request: SignedRequest, context: AuthContext): Result<{ readonly accessKeyId: string }> {
  const { words } = context;
  const header = one(request.headers.authorization);
  if (header === undefined || header.trim() === '') return fail(words.unsigned);
  const dateText = one(request.headers['x-amz-date']) ?? httpDate(one(request.headers.date));
  const parsed = parseAuthorization(header.trim(), dateText !== undefined);
  if (!parsed.ok) return fail(words.incomplete(parsed.problem));
  const auth = parsed.value;
  if (!auth.signedHeaders.includes('host')) return fail(words.incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization."));
  const signedAt = parseLongDate(dateText!);
  if (signedAt === undefined) return fail(words.incomplete(`Date must be in ISO-8601 'basic format'. Got '${dateText}'. See http://en.wikipedia.org/wiki/ISO_8601`));

  const [day, region, service, terminator] = auth.scope;
  if (auth.scope.length !== 4 || terminator !== TERMINATOR) return fail(words.mismatch(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${auth.scope.at(-1) ?? ''}'.`));
  if (day !== dateText!.slice(0, 8)) {
    return fail(words.mismatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${dateText!.slice(0, 8)}', from '${dateText}'.`));
  }
  if (region !== context.region) return fail(words.mismatch(`Credential should be scoped to a valid region, not '${region}'. `));
  if (service !== words.signingName) return fail(words.mismatch(`Credential should be scoped to correct service: '${words.signingName}'. `));
  if (Math.abs(context.now - signedAt) > words.skewMs) return fail(words.skewed(dateText!, context.now));

  const key = context.keys.get(auth.accessKeyId);
  if (!key || one(request.headers['x-amz-security-token']) !== key.sessionToken) return fail(words.unknownKey);
  const expected = signatureOf(key.secretAccessKey, auth.scope, stringToSign(dateText!, auth.scope, canonicalRequest(request, auth.signedHeaders)));
  if (!sameHex(expected, auth.signature)) return fail(words.mismatch());
  return ok({ accessKeyId: auth.accessKeyId });
}

/** The Date header (RFC 1123), which AWS accepts in place of X-Amz-Date, as a SigV4 long date. */
function httpDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : longDateOf(ms);
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
