// EC2's Query protocol (API version 2016-11-15) for the one action scalerd calls,
// DescribeInstances: the form body, as @aws-sdk/client-ec2 writes it, and the XML answers,
// read for the fields scalerd uses. Pure: no network, no clock.
//
// Input and output are a subset of the SDK's DescribeInstancesCommandInput / Output, with the
// SDK's names, so that callers (and the tests comparing with the SDK) read the same fields.

import { parseXML } from '@aws-sdk/xml-builder';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { parseRfc3339DateTimeWithOffset } from '@smithy/core/serde';

export const EC2_API_VERSION = '2016-11-15';

export type DescribeInstancesInput = {
  readonly InstanceIds?: readonly string[];
  readonly Filters?: readonly { readonly Name: string; readonly Values: readonly string[] }[];
  /** 5 to 1000; EC2 refuses it together with InstanceIds. */
  readonly MaxResults?: number;
  readonly NextToken?: string;
};

export type Ec2Instance = {
  readonly InstanceId?: string;
  /** "" once the instance has given its address back (terminated), as EC2 answers it. */
  readonly PrivateDnsName?: string;
  readonly LaunchTime?: Date;
  readonly State?: { readonly Name?: string };
};

export type DescribeInstancesPage = {
  readonly Reservations: readonly { readonly Instances: readonly Ec2Instance[] }[];
  readonly NextToken: string | undefined;
  readonly requestId: string | undefined;
};

/** What an answer other than 2xx says: EC2's <Code> and <Message>, when it is EC2's error document. */
export type Ec2ErrorAnswer = { readonly code: string; readonly message: string; readonly requestId: string | undefined };

/**
 * The form body. IMPORTANT: the parameters come in the order of the SDK's schema for
 * DescribeInstancesRequest (InstanceIds, Filters, NextToken, MaxResults), so that the body,
 * and with it the SigV4 signature, is byte for byte the SDK's; the test on the wire checks it.
 */
export function describeInstancesBody(input: DescribeInstancesInput): string {
  const fields: [string, string][] = [
    ['Action', 'DescribeInstances'],
    ['Version', EC2_API_VERSION],
    ...(input.InstanceIds ?? []).map((id, n): [string, string] => [`InstanceId.${n + 1}`, id]),
    ...(input.Filters ?? []).flatMap((f, n) => [
      [`Filter.${n + 1}.Name`, f.Name] as [string, string],
      ...f.Values.map((v, m): [string, string] => [`Filter.${n + 1}.Value.${m + 1}`, v]),
    ]),
  ];
  if (input.NextToken !== undefined) fields.push(['NextToken', input.NextToken]);
  if (input.MaxResults !== undefined) fields.push(['MaxResults', String(input.MaxResults)]);
  return fields.map(([k, v]) => `${extendedEncodeURIComponent(k)}=${extendedEncodeURIComponent(v)}`).join('&');
}

/** Thrown for a 2xx answer that is not a DescribeInstancesResponse this code can read. */
export class UnreadableAnswerError extends Error {
  override readonly name = 'UnreadableAnswer';
}

export function readDescribeInstances(xml: string): DescribeInstancesPage {
  const root = parse(xml).DescribeInstancesResponse;
  if (!isNode(root)) throw new UnreadableAnswerError(`EC2 answered DescribeInstances without a DescribeInstancesResponse: ${excerpt(xml)}`);
  return {
    Reservations: items(root.reservationSet).map((r) => ({ Instances: items(isNode(r) ? r.instancesSet : undefined).flatMap((i) => (isNode(i) ? [instanceOf(i)] : [])) })),
    NextToken: text(root.nextToken) || undefined,
    requestId: text(root.requestId),
  };
}

/**
 * EC2's <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>;
 * anything else (a proxy's HTML page, an empty body) reads as undefined.
 */
export function readErrorAnswer(xml: string): Ec2ErrorAnswer | undefined {
  let doc: XmlNode;
  try {
    doc = parse(xml);
  } catch {
    // Not XML at all (a proxy's page): the caller reports the HTTP status instead.
    return undefined;
  }
  const response = isNode(doc.Response) ? doc.Response : undefined;
  const errors = isNode(response?.Errors) ? response.Errors : undefined;
  const error = [errors?.Error].flat().find(isNode);
  const code = text(error?.Code);
  if (code === undefined || code === '') return undefined;
  return { code, message: text(error?.Message) ?? '', requestId: text(response?.RequestID) ?? text(response?.RequestId) };
}

type XmlValue = string | XmlNode | XmlValue[];
type XmlNode = { [tag: string]: XmlValue };

function instanceOf(i: XmlNode): Ec2Instance {
  const launchTime = text(i.launchTime);
  const state = isNode(i.instanceState) ? text(i.instanceState.name) : undefined;
  return {
    ...(i.instanceId !== undefined ? { InstanceId: text(i.instanceId) } : {}),
    ...(i.privateDnsName !== undefined ? { PrivateDnsName: text(i.privateDnsName) } : {}),
    ...(launchTime ? { LaunchTime: dateOf(launchTime) } : {}),
    ...(state !== undefined ? { State: { Name: state } } : {}),
  };
}

function parse(xml: string): XmlNode {
  try {
    return parseXML(xml) as XmlNode;
  } catch (error) {
    throw new UnreadableAnswerError(`EC2 answered something that is not XML: ${excerpt(xml)}`, { cause: error });
  }
}

const isNode = (v: XmlValue | undefined): v is XmlNode => typeof v === 'object' && !Array.isArray(v);

/** The <item>s of an EC2 list: the parser gives one item as a value, several as an array, none as "". */
function items(list: XmlValue | undefined): XmlValue[] {
  if (!isNode(list) || list.item === undefined) return [];
  return Array.isArray(list.item) ? list.item : [list.item];
}

function text(v: XmlValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  // An element with attributes (xsi:nil and the like) keeps its text apart.
  if (isNode(v) && typeof v['#text'] === 'string') return v['#text'];
  return undefined;
}

function dateOf(value: string): Date {
  try {
    // The SDK's own reading of EC2's timestamps; it throws on anything else.
    return parseRfc3339DateTimeWithOffset(value) as Date;
  } catch (error) {
    throw new UnreadableAnswerError(`EC2 answered a launchTime that is not an RFC 3339 date: ${excerpt(value)}`, { cause: error });
  }
}

function excerpt(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat);
}
