// Request bodies in application/vnd.kubernetes.protobuf, as client-go's typed clients send
// them (kubectl create configmap|deployment|namespace|poddisruptionbudget …): decoded into the
// very JSON object a JSON client would have sent for the same Go object, so that they then
// take the JSON path (validation, defaulting, dryRun, storage) unchanged. Answers stay JSON:
// client-go asks for "application/vnd.kubernetes.protobuf, application/json" and decodes
// whichever the Content-Type of the answer says.
//
// The body is the 4-byte magic "k8s\0" and a runtime.Unknown: typeMeta {apiVersion, kind},
// raw (the object's own message), contentEncoding, contentType. Decoding follows the API
// server (apimachinery's protobuf serializer, the versioning codec and the handlers' error
// wrapping), with Go's words for whatever does not decode:
//
// - the bytes are first walked as gogo protobuf's generated Unmarshal walks them, so that a
//   malformed body fails with its error ("unexpected EOF", "proto: wrong wireType = 0 for
//   field Data", …); protobufjs then decodes the checked bytes;
// - the envelope's kind and apiVersion default to the URL's, and one other than the URL's is
//   refused as the API server refuses it (it would decode it as that kind, fail to convert it
//   into the URL's, or find it is not registered at all);
// - the decoded message becomes JSON as encoding/json writes its Go struct: the fields in Go's
//   order under their json names, omitempty honoured, a pointer written when set (even to a
//   zero value) and a struct always, ",inline" structs merged, maps sorted, int64 as numbers,
//   []byte as base64, and the types with their own JSON form (Time, MicroTime, Quantity,
//   IntOrString, FieldsV1) as they write themselves.

import protobuf from 'protobufjs/light.js';
import { ApiError, badRequest } from '../api-error.js';
import { GO_FIELDS, KUBE_MESSAGES, REGISTERED_KINDS } from './descriptor.js';

type Plain = Record<string, unknown>;

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

/** The kind a request's URL decodes its body into. */
export type ExpectedKind = { readonly group: string; readonly version: string; readonly kind: string };

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const FIELDS_V1 = `${META}.FieldsV1`;
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';
const DELETE_OPTIONS = `${META}.DeleteOptions`;

/** The Go names of the messages with hand-written Go types (gogo's errors name the Go type and field). */
const SPECIAL_GO: Record<string, { name: string; fields: Record<number, string> }> = {
  [TIME]: { name: 'Timestamp', fields: { 1: 'Seconds', 2: 'Nanos' } },
  [MICRO_TIME]: { name: 'Timestamp', fields: { 1: 'Seconds', 2: 'Nanos' } },
  [QUANTITY]: { name: 'Quantity', fields: { 1: 'String' } },
  [INT_OR_STRING]: { name: 'IntOrString', fields: { 1: 'Type', 2: 'IntVal', 3: 'StrVal' } },
  [FIELDS_V1]: { name: 'FieldsV1', fields: { 1: 'Raw' } },
  [UNKNOWN]: { name: 'Unknown', fields: { 1: 'TypeMeta', 2: 'Raw', 3: 'ContentEncoding', 4: 'ContentType' } },
  'k8s.io.apimachinery.pkg.runtime.TypeMeta': { name: 'TypeMeta', fields: { 1: 'APIVersion', 2: 'Kind' } },
};

/**
 * The kinds any apiVersion has (runtime.Scheme's unversioned kinds): the scheme creates them
 * for whatever version the envelope names.
 */
const UNVERSIONED_KINDS = ['APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions', 'Status'];

/** The API server's scheme's name, as its "no kind is registered" errors give it. */
const SCHEME = 'pkg/api/legacyscheme/scheme.go:30';

let root: protobuf.Root | undefined;

/** A message type (by full name, no leading dot), built once from the generated descriptor; tests encode with it. */
export function messageType(fullName: string): protobuf.Type {
  if (!root) {
    const built = new protobuf.Root();
    for (const [name, json] of Object.entries(KUBE_MESSAGES)) {
      const dot = name.lastIndexOf('.');
      built.define(name.slice(0, dot)).add(protobuf.Type.fromJSON(name.slice(dot + 1), json as protobuf.IType));
    }
    built.resolveAll();
    root = built;
  }
  return root.lookupType(`.${fullName}`);
}

/** The message of a kind: apps/v1 Deployment → k8s.io.api.apps.v1.Deployment; undefined if the simulator has none. */
export function messageOf(group: string, version: string, kind: string): string | undefined {
  const name = `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}.${kind}`;
  return name in KUBE_MESSAGES ? name : undefined;
}

// ---- the body ----

/**
 * The JSON object of a protobuf create or update body, for a URL whose kind is `expected`
 * (kind and apiVersion set, as the envelope's or the URL's). Throws the API server's 400.
 */
export function decodeProtobufObject(body: Buffer, expected: ExpectedKind): Plain {
  const into = `${expected.group === '' ? 'core' : expected.group.split('.')[0]}.${expected.kind}`;
  const apiVersion = expected.group === '' ? expected.version : `${expected.group}/${expected.version}`;
  let envelope: Plain;
  try {
    envelope = decodeEnvelope(body);
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    throw badRequest(`the object provided is unrecognized (must be of type ${expected.kind}): ${error.message} (${summarize(body)})`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  // copyKindDefaults: an empty kind or version is the URL's.
  const actual = { ...parseApiVersion(typeMeta.apiVersion ?? ''), kind: typeMeta.kind || expected.kind };
  if (actual.version === '') Object.assign(actual, { group: expected.group, version: expected.version });
  const actualApiVersion = actual.group === '' ? actual.version : `${actual.group}/${actual.version}`;
  const cannot = `${actual.kind} in version ${JSON.stringify(actual.version)} cannot be handled as a ${expected.kind}`;
  if (actual.kind !== expected.kind || actualApiVersion !== apiVersion) {
    const registered = REGISTERED_KINDS[actualApiVersion]?.includes(actual.kind) || UNVERSIONED_KINDS.includes(actual.kind);
    // The scheme creates the kind the envelope names, or cannot.
    if (!registered) throw badRequest(`${cannot}: no kind ${JSON.stringify(actual.kind)} is registered for version ${JSON.stringify(actualApiVersion)} in scheme ${JSON.stringify(SCHEME)}`);
    // Decoded as that kind, it converts into the URL's (internal) type only if it is a version of the same kind.
    if (actual.kind !== expected.kind) {
      const source = `${UNVERSIONED_KINDS.includes(actual.kind) ? 'v1' : actual.version}.${actual.kind}`;
      throw badRequest(`${cannot}: converting (${source}) to (${into}): unknown conversion`);
    }
    throw badRequest(`the API version in the data (${actualApiVersion}) does not match the expected API version (${apiVersion})`);
  }
  const message = messageOf(expected.group, expected.version, expected.kind);
  if (!message) throw new Error(`no protobuf message for ${apiVersion} ${expected.kind}`);
  const raw = (envelope.raw as Uint8Array | undefined) ?? new Uint8Array();
  let object: Plain;
  try {
    object = decodeMessage(raw, message) as Plain;
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    throw badRequest(`${cannot}: ${error.message}`);
  }
  return { kind: expected.kind, apiVersion, ...object };
}

/**
 * DeleteOptions in a protobuf DELETE body. The v1.32 delete handler answers whatever does not
 * decode with the decoder's own error, which is no API status: a 500 with no reason (v1.35
 * makes it a 400, kubernetes/kubernetes#133358).
 */
export function decodeProtobufDeleteOptions(body: Buffer): Plain {
  try {
    const envelope = decodeEnvelope(body);
    const kind = (envelope.typeMeta as { kind?: string } | undefined)?.kind || 'DeleteOptions';
    if (kind !== 'DeleteOptions') throw new WireError('decoded object cannot be converted to DeleteOptions');
    return decodeMessage((envelope.raw as Uint8Array | undefined) ?? new Uint8Array(), DELETE_OPTIONS) as Plain;
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    throw new ApiError(500, '', error.message);
  }
}

function decodeEnvelope(body: Buffer): Plain {
  if (body.length === 0) throw new WireError('empty data');
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new WireError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw new WireError('empty body');
  return decodeMessage(body.subarray(MAGIC.length), UNKNOWN, false) as Plain;
}

/** summarizeData(body, 30) of the API server's handlers: JSON as text, anything else as hex. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const head = body.subarray(0, 30);
  const shown = body[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return body.length > 30 ? `${shown} ...` : shown;
}

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  // schema.ParseGroupVersion, as runtime.Unknown's GroupVersionKind uses it (an unparseable one is empty).
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

/** The bytes of `fullName` checked as gogo's Unmarshal checks them, then decoded and made JSON (or left as protobufjs's object). */
function decodeMessage(bytes: Uint8Array, fullName: string, json = true): unknown {
  const type = messageType(fullName);
  walk(bytes, 0, bytes.length, type);
  const message = type.decode(bytes);
  const plain = type.toObject(message, { longs: Number }) as Plain;
  return json ? messageJson(type, plain) : plain;
}

// ---- gogo protobuf's Unmarshal, for its errors ----

class WireError extends Error {}

const EOF = 'unexpected EOF';
const NEGATIVE_LENGTH = 'proto: negative length found during unmarshaling';
const OVERFLOW = 'proto: integer overflow';

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'enum']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);

function wireTypeOf(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type) return 2;
  if (VARINT_TYPES.has(field.type)) return 0;
  if (FIXED64_TYPES.has(field.type)) return 1;
  if (FIXED32_TYPES.has(field.type)) return 5;
  return 2;
}

/** A varint from `i` (not past `end`): its value and the index after it. */
function varint(bytes: Uint8Array, i: number, end: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (shift >= 64n) throw new WireError(OVERFLOW);
    if (i >= end) throw new WireError(EOF);
    const b = bytes[i++]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [BigInt.asUintN(64, value), i];
  }
}

/** A length and the end it reaches, checked as gogo checks them (Go's int: a length past 2^63 is negative). */
function lengthAt(bytes: Uint8Array, i: number, end: number): [number, number] {
  const [raw, next] = varint(bytes, i, end);
  const length = BigInt.asIntN(64, raw);
  if (length < 0n) throw new WireError(NEGATIVE_LENGTH);
  if (BigInt(next) + length > BigInt(end)) throw new WireError(EOF);
  return [next, next + Number(length)];
}

function goNames(type: protobuf.Type): { name: string; field: (id: number) => string } {
  const fullName = type.fullName.slice(1);
  const special = SPECIAL_GO[fullName];
  if (special) return { name: special.name, field: (id) => special.fields[id] ?? String(id) };
  const fields = GO_FIELDS[fullName] ?? [];
  return {
    name: fullName.slice(fullName.lastIndexOf('.') + 1),
    field: (id) => fields.find(([proto]) => type.fields[proto]?.id === id)?.[3] ?? String(id),
  };
}

/** Walks one message's bytes [start, end) as its gogo Unmarshal does; throws a WireError with its words. */
function walk(bytes: Uint8Array, start: number, end: number, type: protobuf.Type): void {
  const fullName = type.fullName.slice(1);
  // Time and MicroTime: no bytes is the zero time, before any field is read.
  if ((fullName === TIME || fullName === MICRO_TIME) && start === end) return;
  const go = goNames(type);
  let i = start;
  while (i < end) {
    const preIndex = i;
    const [wire, next] = varint(bytes, i, end);
    i = next;
    const fieldNum = Number(BigInt.asIntN(32, wire >> 3n));
    const wireType = Number(wire & 7n);
    if (wireType === 4) throw new WireError(`proto: ${go.name}: wiretype end group for non-group`);
    if (fieldNum <= 0) throw new WireError(`proto: ${go.name}: illegal tag ${fieldNum} (wire type ${wire})`);
    const field = type.fieldsById[fieldNum];
    if (!field) {
      i = preIndex + skip(bytes, preIndex, end);
      continue;
    }
    const wrong = () => new WireError(`proto: wrong wireType = ${wireType} for field ${go.field(fieldNum)}`);
    if (field.map) {
      if (wireType !== 2) throw wrong();
      const [from, to] = lengthAt(bytes, i, end);
      walkMapEntries(bytes, from, to, end, field);
      i = to;
    } else if (field.repeated && wireTypeOf(field) !== 2) {
      // A repeated number: one at a time, or packed.
      if (wireType === wireTypeOf(field)) {
        i = skipValue(bytes, i, end, wireType);
      } else if (wireType === 2) {
        const [from, to] = lengthAt(bytes, i, end);
        for (let j = from; j < to; ) j = skipValue(bytes, j, to, wireTypeOf(field));
        i = to;
      } else {
        throw wrong();
      }
    } else {
      if (wireType !== wireTypeOf(field)) throw wrong();
      if (wireType === 2) {
        const [from, to] = lengthAt(bytes, i, end);
        if (field.resolvedType instanceof protobuf.Type) walk(bytes, from, to, field.resolvedType);
        i = to;
      } else {
        i = skipValue(bytes, i, end, wireType);
      }
    }
  }
}

/** A map field's entry, read as gogo's inline code reads it: key 1 and value 2 with no wire type check, anything else skipped. */
function walkMapEntries(bytes: Uint8Array, start: number, postIndex: number, end: number, field: protobuf.Field): void {
  let i = start;
  while (i < postIndex) {
    const entryPreIndex = i;
    const [wire, next] = varint(bytes, i, end);
    i = next;
    const fieldNum = Number(BigInt.asIntN(32, wire >> 3n));
    if (fieldNum === 1) {
      i = lengthAt(bytes, i, end)[1];
    } else if (fieldNum === 2) {
      if (field.resolvedType instanceof protobuf.Type) {
        const [from, to] = lengthAt(bytes, i, end);
        walk(bytes, from, to, field.resolvedType);
        i = to;
      } else if (wireTypeOf(field) === 2) {
        i = lengthAt(bytes, i, end)[1];
      } else {
        i = skipValue(bytes, i, end, wireTypeOf(field));
      }
    } else {
      const skipped = skip(bytes, entryPreIndex, end);
      if (entryPreIndex + skipped > postIndex) throw new WireError(EOF);
      i = entryPreIndex + skipped;
    }
  }
}

/** One value of a known wire type from `i`; the index after it. */
function skipValue(bytes: Uint8Array, i: number, end: number, wireType: number): number {
  switch (wireType) {
    case 0:
      return varint(bytes, i, end)[1];
    case 1:
    case 5: {
      const next = i + (wireType === 1 ? 8 : 4);
      if (next > end) throw new WireError(EOF);
      return next;
    }
    default:
      return lengthAt(bytes, i, end)[1];
  }
}

/** gogo's skipGenerated: the length of the unknown field (tag included) at `start`. */
function skip(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let depth = 0;
  while (i < end) {
    const [wire, next] = varint(bytes, i, end);
    i = next;
    const wireType = Number(wire & 7n);
    switch (wireType) {
      case 0:
        i = varint(bytes, i, end)[1];
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const [raw, after] = varint(bytes, i, end);
        const length = BigInt.asIntN(64, raw);
        if (length < 0n) throw new WireError(NEGATIVE_LENGTH);
        i = after + Number(length);
        break;
      }
      case 3:
        depth++;
        break;
      case 4:
        if (depth === 0) throw new WireError('proto: unexpected end of group');
        depth--;
        break;
      case 5:
        i += 4;
        break;
      default:
        throw new WireError(`proto: illegal wireType ${wireType}`);
    }
    if (depth === 0) {
      if (i > end) throw new WireError(EOF);
      return i - start;
    }
  }
  throw new WireError(EOF);
}

// ---- encoding/json of the decoded Go object ----

/** The JSON of a message as protobufjs's toObject left it (only fields on the wire are set). */
function messageJson(type: protobuf.Type, value: Plain | undefined): unknown {
  const fullName = type.fullName.slice(1);
  switch (fullName) {
    case TIME:
      return timeJson(value, false);
    case MICRO_TIME:
      return timeJson(value, true);
    case QUANTITY:
      // Go's zero Quantity writes "0"; any other is the string it was parsed from.
      return value?.string ?? '0';
    case INT_OR_STRING:
      return Number(value?.type ?? 0) === 1 ? (value?.strVal ?? '') : (value?.intVal ?? 0);
    case FIELDS_V1: {
      const raw = value?.Raw as Uint8Array | undefined;
      return raw && raw.length > 0 ? JSON.parse(Buffer.from(raw).toString('utf8')) : null;
    }
  }
  const fields = GO_FIELDS[fullName];
  if (!fields) throw new Error(`no JSON mapping for protobuf message ${fullName}`);
  const out: Plain = {};
  for (const [proto, tag, kind] of fields) {
    const [name, ...options] = tag.split(',');
    const omitempty = options.includes('omitempty');
    const field = type.fields[proto]!;
    const set = value !== undefined && Object.hasOwn(value, proto);
    const v = set ? value[proto] : undefined;
    let json: unknown;
    let empty = false;
    switch (kind) {
      case 'ptr':
        // A pointer is written when set, whatever it points to; nil is null, or left out.
        if (!set) {
          if (omitempty) continue;
          json = null;
        } else {
          json = valueJson(field, v);
        }
        break;
      case 'struct': {
        // A struct is never empty to encoding/json; ",inline" (an embedded struct) adds its fields here.
        json = messageJson(field.resolvedType as protobuf.Type, v as Plain | undefined);
        if (options.includes('inline')) {
          Object.assign(out, json);
          continue;
        }
        break;
      }
      case 'slice':
        if (field.type === 'bytes' && !field.repeated) {
          const bytes = v as Uint8Array | undefined;
          empty = !bytes || bytes.length === 0;
          json = bytes ? Buffer.from(bytes).toString('base64') : null;
        } else {
          const items = (v as unknown[] | undefined) ?? [];
          empty = items.length === 0;
          json = set ? items.map((item) => valueJson(field, item)) : null;
        }
        break;
      case 'map': {
        const entries = Object.entries((v as Plain | undefined) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        empty = entries.length === 0;
        json = set ? Object.fromEntries(entries.map(([k, item]) => [k, valueJson(field, item)])) : null;
        break;
      }
      default: {
        // A Go value: what was sent, or its type's zero value.
        json = set ? valueJson(field, v) : zeroOf(field.type);
        empty = json === '' || json === 0 || json === false;
      }
    }
    if (empty && omitempty) continue;
    out[name!] = json;
  }
  return out;
}

/** One value of a field (an element of a repeated field, or a map's value). */
function valueJson(field: protobuf.Field, value: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) return messageJson(field.resolvedType, value as Plain);
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  return value;
}

function zeroOf(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  return 0;
}

/** Seconds of 0001-01-01T00:00:00Z, Go's zero time. */
const ZERO_TIME_SECONDS = -62135596800;

/** metav1.Time (RFC 3339, seconds) or MicroTime (microseconds): null for the zero time. */
function timeJson(value: Plain | undefined, micro: boolean): string | null {
  if (value === undefined || Object.keys(value).length === 0) return null;
  // time.Unix(seconds, nanos): nanos outside [0, 1e9) carry into the seconds.
  let seconds = Number(value.seconds ?? 0);
  let nanos = Number(value.nanos ?? 0);
  seconds += Math.floor(nanos / 1e9);
  nanos = ((nanos % 1e9) + 1e9) % 1e9;
  if (seconds === ZERO_TIME_SECONDS && nanos === 0) return null;
  const iso = new Date(seconds * 1000).toISOString();
  return micro ? `${iso.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso.slice(0, 19)}Z`;
}
