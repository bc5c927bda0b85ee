// Regenerates src/sim/kube/protobuf/descriptor.ts: the protobuf message types of the kinds the
// simulated API server decodes (kubectl create <kind> sends application/vnd.kubernetes.protobuf),
// and how each field of their Go types maps to JSON.
//
//   node scripts/kube-proto-descriptor.mjs /usr/lib/google-cloud-sdk/bin/kubectl.1.32
//
// Both come out of a kubectl binary, so they are exactly what that client encodes with:
//
// - The message types: every Kubernetes generated.pb.go registers its file's descriptor
//   (a gzipped google.protobuf.FileDescriptorProto of k8s.io/api/.../generated.proto and
//   k8s.io/apimachinery/.../generated.proto) with the gogo protobuf registry, and Go links
//   those bytes into the binary. They are found by their gzip header and parsed with
//   protobufjs's descriptor extension.
// - The JSON mapping: a Go binary keeps every struct type's fields with their names, types and
//   tags (json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas") for reflection. The
//   protobuf tag's field number ties a Go field to a message field; the json tag gives the JSON
//   name, omitempty and ",inline"; the Go type tells a pointer (present or null) from a value
//   (always written, or omitted when empty). Read from the ELF file's .rodata with the layout
//   of Go 1.23's runtime type data (abi.Type, abi.StructType, abi.Name).
//
// A plain .mjs file: it runs on a checkout with no build. It fails loudly if anything it needs
// is not found, rather than writing a partial descriptor.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const descriptor = require('protobufjs/ext/descriptor');

const OUT = fileURLToPath(new URL('../src/sim/kube/protobuf/descriptor.ts', import.meta.url));

/** The kinds the simulator serves (src/sim/kube/resources.ts), with its subresources' and DeleteOptions. */
const ROOTS = [
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.api.core.v1.Namespace',
  'k8s.io.api.core.v1.Node',
  'k8s.io.api.core.v1.Pod',
  'k8s.io.api.core.v1.Event',
  'k8s.io.api.core.v1.ConfigMap',
  'k8s.io.api.core.v1.Service',
  'k8s.io.api.core.v1.Endpoints',
  'k8s.io.api.apps.v1.Deployment',
  'k8s.io.api.apps.v1.StatefulSet',
  'k8s.io.api.apps.v1.ReplicaSet',
  'k8s.io.api.apps.v1.DaemonSet',
  'k8s.io.api.policy.v1.PodDisruptionBudget',
  'k8s.io.api.policy.v1.Eviction',
  'k8s.io.api.coordination.v1.Lease',
  'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
  'k8s.io.api.autoscaling.v1.Scale',
  'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
];

/**
 * Messages whose Go types marshal to JSON by their own code, not field by field: the decoder
 * (src/sim/kube/protobuf/decode.ts) knows each of them. Any other reachable message must be a
 * Go struct with tagged fields, or this script fails: a new special type needs code there first.
 */
const SPECIAL = new Set([
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.apimachinery.pkg.runtime.TypeMeta',
]);

/**
 * API groups by their directory under k8s.io/api, for the kinds the API server's scheme
 * knows (a kind the envelope names that the URL's resource is not is refused with a
 * conversion error if registered, "no kind ... is registered" if not). Packages of types
 * that the API server does not register (admission, imagepolicy, apidiscovery) are left out.
 */
const GROUPS = {
  admissionregistration: 'admissionregistration.k8s.io', apiserverinternal: 'internal.apiserver.k8s.io', apps: 'apps',
  authentication: 'authentication.k8s.io', authorization: 'authorization.k8s.io', autoscaling: 'autoscaling', batch: 'batch',
  certificates: 'certificates.k8s.io', coordination: 'coordination.k8s.io', core: '', discovery: 'discovery.k8s.io',
  events: 'events.k8s.io', extensions: 'extensions', flowcontrol: 'flowcontrol.apiserver.k8s.io', networking: 'networking.k8s.io',
  node: 'node.k8s.io', policy: 'policy', rbac: 'rbac.authorization.k8s.io', resource: 'resource.k8s.io',
  scheduling: 'scheduling.k8s.io', storage: 'storage.k8s.io', storagemigration: 'storagemigration.k8s.io',
};

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node scripts/kube-proto-descriptor.mjs <kubectl binary> [out.ts]');
  process.exit(2);
}
const out = process.argv[3] ?? OUT;
const bin = readFileSync(binary);
const version = JSON.parse(execFileSync(binary, ['version', '--client', '-o', 'json'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } })).clientVersion.gitVersion;

// ---- the registered FileDescriptorProtos ----

const files = new Map();
const GZIP = Buffer.from([0x1f, 0x8b, 0x08]);
for (let i = bin.indexOf(GZIP); i >= 0; i = bin.indexOf(GZIP, i + 1)) {
  let data;
  try {
    // A 10-byte gzip header with no optional fields (Go's compress/gzip writes none), then deflate.
    data = inflateRawSync(bin.subarray(i + 10), { finishFlush: 2 });
  } catch {
    continue;
  }
  if (data[0] !== 0x0a) continue; // FileDescriptorProto.name first
  let file;
  try {
    file = descriptor.FileDescriptorProto.decode(data);
  } catch {
    continue;
  }
  if (/^k8s\.io\/(api|apimachinery)\/.*generated\.proto$/.test(file.name)) files.set(file.name, file);
}
if (files.size < 20) throw new Error(`found only ${files.size} Kubernetes descriptors in ${binary}`);

// ---- Go struct types: fields, tags, types ----

function sections() {
  const shoff = Number(bin.readBigUInt64LE(0x28));
  const shentsize = bin.readUInt16LE(0x3a);
  const shnum = bin.readUInt16LE(0x3c);
  const shstrndx = bin.readUInt16LE(0x3e);
  const header = (i) => {
    const at = shoff + i * shentsize;
    return { name: bin.readUInt32LE(at), addr: Number(bin.readBigUInt64LE(at + 16)), offset: Number(bin.readBigUInt64LE(at + 24)), size: Number(bin.readBigUInt64LE(at + 32)) };
  };
  const strtab = header(shstrndx);
  const result = {};
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const end = bin.indexOf(0, strtab.offset + h.name);
    result[bin.subarray(strtab.offset + h.name, end).toString('latin1')] = h;
  }
  return result;
}
const rodata = sections()['.rodata'];
if (!rodata) throw new Error(`${binary} has no .rodata section`);
const inRodata = (addr) => addr >= rodata.addr && addr < rodata.addr + rodata.size;
const at = (addr) => addr - rodata.addr + rodata.offset;

function varint(p) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bin[p++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, p];
  }
}
/** abi.Name: flags, varint length, bytes, and (flag 1<<1) a varint-length tag. */
function nameAt(addr) {
  const p = at(addr);
  const flags = bin[p];
  const [n, q] = varint(p + 1);
  const name = bin.subarray(q, q + n).toString('latin1');
  let tag = '';
  if (flags & 2) {
    const [t, r] = varint(q + n);
    tag = bin.subarray(r, r + t).toString('latin1');
  }
  return { flags, name, tag };
}
/** abi.Type at `p` (a file offset): its name (TFlagExtraStar drops the leading "*"), kind, and package if it has an uncommon part. */
function typeAt(p, uncommonAt) {
  const tflag = bin[p + 20];
  const kind = bin[p + 23] & 0x1f;
  let name = nameAt(rodata.addr + bin.readInt32LE(p + 40)).name;
  if (tflag & 2) name = name.slice(1);
  const pkg = tflag & 1 && uncommonAt !== undefined ? nameAt(rodata.addr + bin.readInt32LE(p + uncommonAt)).name : '';
  return { name, kind, pkg };
}
const KINDS = { 1: 'bool', 2: 'int', 3: 'int', 4: 'int', 5: 'int', 6: 'int', 7: 'int', 8: 'int', 9: 'int', 10: 'int', 11: 'int', 13: 'float', 14: 'float', 21: 'map', 22: 'ptr', 23: 'slice', 24: 'string', 25: 'struct' };

const structs = new Map();
for (let p = rodata.offset + 56; p + 24 <= rodata.offset + rodata.size; p += 8) {
  // abi.StructType: abi.Type (48 bytes, kind at 23), PkgPath (8), Fields (ptr, len, cap), then abi.UncommonType.
  const t = p - 56;
  if ((bin[t + 23] & 0x1f) !== 25) continue;
  const fields = Number(bin.readBigUInt64LE(p));
  const len = Number(bin.readBigUInt64LE(p + 8));
  if (len === 0 || len > 256 || len !== Number(bin.readBigUInt64LE(p + 16)) || !inRodata(fields)) continue;
  let type;
  const list = [];
  try {
    type = typeAt(t, 80);
    for (let i = 0; i < len; i++) {
      const e = at(fields) + i * 24;
      const name = Number(bin.readBigUInt64LE(e));
      const ftype = Number(bin.readBigUInt64LE(e + 8));
      if (!inRodata(name) || !inRodata(ftype)) throw new Error('not a struct');
      const n = nameAt(name);
      const ft = typeAt(at(ftype));
      list.push({ name: n.name, tag: n.tag, embedded: Boolean(n.flags & 8), type: ft.name, kind: KINDS[ft.kind] ?? `kind${ft.kind}` });
    }
  } catch {
    continue;
  }
  if (!type.pkg.startsWith('k8s.io/api/') && !type.pkg.startsWith('k8s.io/apimachinery/')) continue;
  structs.set(`${type.pkg}.${type.name.split('.').pop()}`, list);
}
if (structs.size < 100) throw new Error(`found only ${structs.size} Kubernetes struct types in ${binary}`);

// ---- messages, reachable from the roots ----

const messages = new Map();
for (const file of files.values()) {
  const visit = (prefix, type) => {
    const fullName = `${prefix}.${type.name}`;
    messages.set(fullName, { type, file: file.name });
    for (const nested of type.nestedType ?? []) visit(fullName, nested);
  };
  for (const type of file.messageType ?? []) visit(file.package, type);
}

const SCALARS = { 1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64' };
const isMapEntry = (name) => Boolean(messages.get(name)?.type.options?.mapEntry);

const reachable = new Set();
const queue = [...ROOTS];
while (queue.length > 0) {
  const name = queue.shift();
  if (reachable.has(name)) continue;
  const message = messages.get(name);
  if (!message) throw new Error(`no message ${name} in ${binary}`);
  reachable.add(name);
  for (const field of message.type.field ?? []) if (field.typeName) queue.push(field.typeName.slice(1));
}

/** The pbjs JSON of one message (map entries become map fields, as pbjs writes them). */
function messageJson(name) {
  const { type } = messages.get(name);
  const fields = {};
  for (const field of type.field ?? []) {
    const ref = field.typeName?.slice(1);
    if (ref && isMapEntry(ref)) {
      const entry = messages.get(ref).type.field;
      const key = entry.find((f) => f.number === 1);
      const value = entry.find((f) => f.number === 2);
      fields[field.name] = { keyType: SCALARS[key.type], type: value.typeName || SCALARS[value.type], id: field.number };
      continue;
    }
    const json = { ...(field.label === 3 ? { rule: 'repeated' } : {}), type: ref ? field.typeName : SCALARS[field.type], id: field.number };
    if (!json.type) throw new Error(`${name}.${field.name}: unsupported field type ${field.type}`);
    fields[field.name] = json;
  }
  return { fields };
}

const MESSAGES = {};
for (const name of [...reachable].sort()) if (!isMapEntry(name)) MESSAGES[name] = messageJson(name);

/** Go package path and struct of a message: k8s.io.api.apps.v1.DeploymentSpec → k8s.io/api/apps/v1.DeploymentSpec. */
const goName = (message) => {
  const parts = message.replace(/^k8s\.io\./, '').split('.');
  return `k8s.io/${parts.slice(0, -1).join('/')}.${parts.at(-1)}`;
};

// ---- the JSON mapping of every reachable message's fields, in Go's field order ----

const GO = {};
for (const name of [...reachable].sort()) {
  if (isMapEntry(name) || SPECIAL.has(name)) continue;
  const fields = structs.get(goName(name));
  if (!fields) throw new Error(`no Go struct ${goName(name)} in ${binary}`);
  const proto = messages.get(name).type.field ?? [];
  const mapped = [];
  for (const field of fields) {
    const tag = /protobuf:"[a-z0-9]+,(\d+),/.exec(field.tag);
    const json = /json:"([^"]*)"/.exec(field.tag)?.[1];
    if (!tag) {
      // TypeMeta (kind, apiVersion): not in the message; the envelope carries it.
      if (field.type === 'v1.TypeMeta' && json === ',inline') continue;
      throw new Error(`${goName(name)}.${field.name} has no protobuf tag: ${field.tag}`);
    }
    const pf = proto.find((f) => f.number === Number(tag[1]));
    if (!pf) throw new Error(`${name}: no field ${tag[1]} for Go field ${field.name}`);
    if (json === undefined || json === '-') throw new Error(`${goName(name)}.${field.name} has no json name: ${field.tag}`);
    // What the decoder assumes of each Go kind; anything else would need code there.
    const ref = pf.typeName?.slice(1);
    const shape = ref && isMapEntry(ref) ? 'map' : pf.label === 3 ? 'repeated' : pf.type === 12 ? 'bytes' : ref ? 'message' : 'scalar';
    const expected = { map: ['map'], slice: ['repeated', 'bytes'], ptr: ['message', 'scalar'], struct: ['message'] }[field.kind] ?? ['scalar'];
    if (!expected.includes(shape)) throw new Error(`${name}.${pf.name}: Go ${field.kind} ${field.type} is a protobuf ${shape}`);
    // [protobuf field, json tag, Go kind of the field's type, Go field (for the decoder's errors)]
    mapped.push([pf.name, json, field.kind, field.name]);
  }
  if (mapped.length !== proto.length) throw new Error(`${name}: ${proto.length} protobuf fields, ${mapped.length} Go fields with tags`);
  GO[name] = mapped;
}

// ---- the kinds the API server's scheme registers, by apiVersion ----

const KINDS_BY_VERSION = {};
for (const [key, fields] of structs) {
  const match = /^k8s\.io\/api\/([a-z0-9]+)\/(v\d+(?:alpha\d+|beta\d+)?)\.(\w+)$/.exec(key);
  if (!match || !(match[1] in GROUPS)) continue;
  if (!fields.some((f) => f.type === 'v1.TypeMeta' && f.embedded)) continue;
  const group = GROUPS[match[1]];
  const apiVersion = group ? `${group}/${match[2]}` : match[2];
  (KINDS_BY_VERSION[apiVersion] ??= []).push(match[3]);
}
for (const kinds of Object.values(KINDS_BY_VERSION)) kinds.sort();
const sortedKinds = Object.fromEntries(Object.entries(KINDS_BY_VERSION).sort(([a], [b]) => a.localeCompare(b)));

const used = [...new Set([...reachable].map((name) => messages.get(name).file))].sort();
const text = `// GENERATED by scripts/kube-proto-descriptor.mjs: do not edit. Regenerate with
//
//   node scripts/kube-proto-descriptor.mjs /usr/lib/google-cloud-sdk/bin/kubectl.1.32
//
// from kubectl ${version} (Kubernetes ${version}: k8s.io/api and k8s.io/apimachinery
// ${version.replace(/^v1\./, 'v0.')}). The message types are the file descriptors that kubectl's generated.pb.go
// files register, limited to the messages reachable from the kinds the simulated API server
// serves, in protobufjs's JSON form (that of \`pbjs -t json\`, one message a line); the Go field mapping is read from
// the same binary's type data (see the script). Upstream files:
${used.map((f) => `//   ${f}`).join('\n')}
//
// Those files are Copyright The Kubernetes Authors, licensed under the Apache License,
// Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0), as scalerd is.

import type { IField, IMapField } from 'protobufjs';

/** The kubectl release these were read from. */
export const KUBE_PROTO_SOURCE = ${JSON.stringify(version)};

/** Each reachable message by its full name, as protobufjs's JSON (Type.fromJSON's IType) describes it. */
export const KUBE_MESSAGES: Readonly<Record<string, { fields: Record<string, IField | IMapField> }>> = {
${Object.entries(MESSAGES).map(([name, json]) => `  ${JSON.stringify(name)}: ${JSON.stringify(json)},`).join('\n')}
};

/**
 * For each message (but those with their own JSON form, which the decoder knows), its Go
 * struct's fields in declaration order: [protobuf field, json tag, Go kind, Go field name].
 */
export const GO_FIELDS: Readonly<Record<string, readonly (readonly [string, string, string, string])[]>> = {
${Object.entries(GO).map(([name, fields]) => `  ${JSON.stringify(name)}: ${JSON.stringify(fields)},`).join('\n')}
};

/** The kinds the API server's scheme registers from k8s.io/api, by apiVersion. */
export const REGISTERED_KINDS: Readonly<Record<string, readonly string[]>> = {
${Object.entries(sortedKinds).map(([v, kinds]) => `  ${JSON.stringify(v)}: ${JSON.stringify(kinds)},`).join('\n')}
};
`;
writeFileSync(out, text);
console.log(`wrote ${out}: ${reachable.size} messages from ${used.length} files, kubectl ${version}`);
