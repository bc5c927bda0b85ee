// The v2 document in protobuf, as clients ask for it: client-go's discovery client fetches
// /openapi/v2 with Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf and
// decodes the body as gnostic's openapi.v2.Document message, with no JSON fallback (a JSON
// body fails to decode, and kubectl then refuses to validate). Only the messages and
// fields the documents here use are written; field numbers are gnostic's OpenAPIv2.proto.
// Vendor extensions and enum values are NamedAny / Any messages carrying YAML (JSON is YAML).

type Json = Record<string, any>;

/** What clients ask for (Accept). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/**
 * What the API server answers (Content-Type): the same with "." for "@", which Go's
 * mime.ParseMediaType refuses in a subtype (client-go parses the answer's Content-Type and
 * fails with "mime: unexpected content after media subtype" on the other).
 */
export const OPENAPI_V2_PROTOBUF_ANSWER = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** A length-delimited field (wire type 2): a string or a message. */
function bytesField(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

const str = (field: number, value: string | undefined): Buffer[] => (value === undefined ? [] : [bytesField(field, Buffer.from(value, 'utf8'))]);
const strs = (field: number, values: readonly string[] | undefined): Buffer[] => (values ?? []).flatMap((v) => str(field, v));
const bool = (field: number, value: boolean | undefined): Buffer[] => (value ? [Buffer.concat([varint(field << 3), varint(1)])] : []);
const msg = (field: number, parts: Buffer[]): Buffer => bytesField(field, Buffer.concat(parts));

/** Any { yaml = 2 } */
const any = (field: number, value: unknown): Buffer => msg(field, str(2, JSON.stringify(value)));

/** NamedAny { name = 1; value = 2 } for each x- key. */
function vendorExtensions(field: number, object: Json): Buffer[] {
  return Object.entries(object).filter(([k]) => k.startsWith('x-')).map(([k, v]) => msg(field, [...str(1, k), any(2, v)]));
}

function schema(s: Json): Buffer[] {
  return [
    ...str(1, s.$ref),
    ...str(2, s.format),
    ...str(4, s.description),
    ...strs(19, s.required),
    ...((s.enum ?? []) as unknown[]).map((v) => any(20, v)),
    ...(s.additionalProperties ? [msg(21, [msg(1, schema(s.additionalProperties))])] : []),
    ...(s.type !== undefined ? [msg(22, strs(1, [s.type]))] : []),
    ...(s.items ? [msg(23, [msg(1, schema(s.items))])] : []),
    ...(s.properties ? [msg(25, Object.entries(s.properties as Json).map(([k, v]) => msg(1, [...str(1, k), msg(2, schema(v))])))] : []),
    ...vendorExtensions(31, s),
  ];
}

/** The payload of a ParametersItem { parameter = 1 }: Parameter { body_parameter = 1 | non_body_parameter = 2 }. */
function parameter(p: Json): Buffer {
  if (p.in === 'body') {
    return msg(1, [msg(1, [...str(2, p.name), ...str(3, p.in), ...bool(4, p.required), msg(5, schema(p.schema))])]);
  }
  // NonBodyParameter: query_parameter_sub_schema = 3, path_parameter_sub_schema = 4; in both,
  // required = 1, in = 2, description = 3, name = 4; type is 6 in a query's, 5 in a path's.
  const query = p.in === 'query';
  const sub = [...bool(1, p.required), ...str(2, p.in), ...str(3, p.description), ...str(4, p.name), ...str(query ? 6 : 5, p.type), ...bool(query ? 20 : 19, p.uniqueItems)];
  return msg(1, [msg(2, [msg(query ? 3 : 4, sub)])]);
}

function operation(o: Json): Buffer[] {
  return [
    ...strs(1, o.tags),
    ...str(3, o.description),
    ...str(5, o.operationId),
    ...strs(6, o.produces),
    ...strs(7, o.consumes),
    ...((o.parameters ?? []) as Json[]).map((p) => bytesField(8, parameter(p))),
    msg(9, Object.entries(o.responses as Json).map(([code, r]) => msg(1, [...str(1, code), msg(2, [msg(1, [...str(1, r.description), ...(r.schema ? [msg(2, [msg(1, schema(r.schema))])] : [])])])]))),
    ...strs(10, o.schemes),
    ...vendorExtensions(13, o),
  ];
}

const METHODS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItem(item: Json): Buffer[] {
  const parts: Buffer[] = [];
  for (const [method, field] of Object.entries(METHODS)) if (item[method]) parts.push(msg(field, operation(item[method])));
  for (const p of (item.parameters ?? []) as Json[]) parts.push(bytesField(9, parameter(p)));
  return parts;
}

/** The gnostic openapi.v2.Document of a Swagger 2.0 document. */
export function encodeOpenApiV2(doc: Json): Buffer {
  return Buffer.concat([
    ...str(1, doc.swagger),
    msg(2, [...str(1, doc.info.title), ...str(2, doc.info.version)]),
    msg(8, Object.entries(doc.paths as Json).map(([path, item]) => msg(2, [...str(1, path), msg(2, pathItem(item))]))),
    msg(9, Object.entries(doc.definitions as Json).map(([name, s]) => msg(1, [...str(1, name), msg(2, schema(s))]))),
  ]);
}
