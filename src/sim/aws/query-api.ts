// The HTTP face of the simulated AWS: the Auto Scaling (awsQuery) and EC2 (ec2Query)
// protocols as the AWS SDK for JavaScript v3 and the AWS CLI v2 speak them — a form-encoded
// POST of Action, Version and parameters to the endpoint's path, answered in XML. Every
// request must be signed (SigV4, auth.ts) with a key pair the simulator was given; its access
// key id names the client for the recorder. Any URL path is accepted, so a shared server can
// route by whatever it likes.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from '../faults.js';
import type { Recorder } from '../recorder.js';
import type { Fields, QueryAction } from './action.js';
import { authenticate, AUTOSCALING_AUTH, EC2_AUTH, type AuthWords, type AwsCredentials } from './auth.js';
import { AUTOSCALING_ACTIONS } from './autoscaling-api.js';
import { EC2_ACTIONS } from './ec2-api.js';
import { injectedFault, sender, type AwsFault } from './errors.js';
import type { AwsModel } from './model.js';
import { children, escapeText, type ListItem } from './xml.js';

export type AwsHandler = (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>;

export type AwsHandlerOptions = {
  readonly faults: Faults;
  readonly recorder: Recorder;
  /** The key pairs requests may be signed with; any other is refused as AWS refuses an unknown key. */
  readonly credentials: readonly AwsCredentials[];
  /**
   * The real time, ms (default Date.now). Clients sign by the machine's clock — the SDK
   * corrects its own by the Date header of our answers, which Node writes in real time —
   * while the simulator's clock may be manual or fast: the skew check must use real time.
   */
  readonly realNow?: () => number;
};

type Service = { readonly version: string; readonly xmlns: string; readonly item: ListItem; readonly actions: Readonly<Record<string, QueryAction>>; readonly auth: AuthWords };

const AUTOSCALING: Service = { version: '2011-01-01', xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/', item: 'member', actions: AUTOSCALING_ACTIONS, auth: AUTOSCALING_AUTH };
const EC2: Service = { version: '2016-11-15', xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', item: 'item', actions: EC2_ACTIONS, auth: EC2_AUTH };

export function createAwsHandler(model: AwsModel, options: AwsHandlerOptions): AwsHandler {
  const { faults, recorder, realNow = Date.now } = options;
  const keys = new Map(options.credentials.map((c) => [c.accessKeyId, c]));
  return async (req, res, body) => {
    const requestId = randomUUID();
    const params = requestParams(req, body);
    const action = params.get('Action') ?? '';
    const service = serviceOf(params.get('Version'), action, req.headers.authorization);
    recorder.countRequest(`aws ${action}`);
    const caller = authenticate({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, { keys, region: model.region, words: service.auth, now: realNow() });
    if (!caller.ok) return sendError(res, service, caller.fault, requestId);

    const decision = faults.decide('aws', action);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.error !== undefined) return injectFault(res, service, decision.error, requestId);

    const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!handler) return sendError(res, service, sender('InvalidAction', `The action ${action} is not valid for this web service.`), requestId);
    let outcome: ReturnType<QueryAction['run']>;
    try {
      outcome = handler.run(model, params);
    } catch (error) {
      return sendError(res, service, { code: 'InternalFailure', message: `The simulator failed: ${String(error)}`, status: 500, type: 'Server' }, requestId);
    }
    if (!outcome.ok) return sendError(res, service, outcome.fault, requestId);
    if (handler.mutating) {
      recorder.record({ kind: 'mutation', at: model.now(), client: caller.value.accessKeyId, api: 'aws', operation: action, target: outcome.value.target ?? '' });
    }
    // AWS has acted; an "after" fault may still lose the answer.
    const answer = faults.answer('aws', action);
    if (answer.latencyMs > 0) await sleep(answer.latencyMs);
    if (answer.lost !== undefined) return injectFault(res, service, answer.lost, requestId);
    send(res, 200, successXml(service, action, outcome.value.result, requestId), requestId);
  };
}

/**
 * An injected fault's answer: "timeout" none at all (the client's own timeout ends the
 * exchange), "reset" the connection destroyed unanswered, anything else the error AWS
 * answers with that code (500: InternalFailure).
 */
function injectFault(res: ServerResponse, service: Service, error: string | number, requestId: string): Promise<void> | void {
  if (error === 'timeout') return new Promise((resolve) => res.once('close', () => resolve()));
  if (error === 'reset') {
    res.destroy();
    return;
  }
  sendError(res, service, injectedFault(error), requestId);
}

/** Form body parameters, plus the URL's query string (the query protocols also allow GET). */
function requestParams(req: IncomingMessage, body: string): URLSearchParams {
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://sim').search);
  for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  return params;
}

/** By API version first; without one, by the action, then by the SigV4 credential scope's service. */
function serviceOf(version: string | null, action: string, authorization: string | undefined): Service {
  if (version === EC2.version) return EC2;
  if (version === AUTOSCALING.version) return AUTOSCALING;
  if (Object.hasOwn(EC2.actions, action)) return EC2;
  if (Object.hasOwn(AUTOSCALING.actions, action)) return AUTOSCALING;
  return /Credential=[^/]+\/[^/]+\/[^/]+\/ec2\//.test(authorization ?? '') ? EC2 : AUTOSCALING;
}

function successXml(service: Service, action: string, result: Fields | undefined, requestId: string): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${service.xmlns}">`;
  const tail = `</${action}Response>`;
  if (service === EC2) return `${head}<requestId>${requestId}</requestId>${children(result ?? {}, 'item')}${tail}`;
  const body = result === undefined ? '' : `<${action}Result>${children(result, 'member')}</${action}Result>`;
  return `${head}${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>${tail}`;
}

function sendError(res: ServerResponse, service: Service, fault: AwsFault, requestId: string): void {
  const code = escapeText(fault.code);
  const message = escapeText(fault.message);
  const xml =
    service === EC2
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${service.xmlns}"><Error><Type>${fault.type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  send(res, fault.status, xml, requestId);
}

function send(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': requestId });
  res.end(xml);
}
