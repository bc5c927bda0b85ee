// Generates src/sim/kube/openapi/definitions.generated.ts: the OpenAPI definitions of the
// kinds the simulated API server serves (and of every type they refer to), read from
// published packages already in node_modules:
//
//   - kubernetes-models (the package the simulator's write validation runs): each type's
//     .d.ts declares its fields, their types, which are required (no `?`), the values of
//     an enum, and the upstream OpenAPI description of the type and of each field (JSDoc);
//   - @kubernetes/client-node: its models' attributeTypeMap gives each integer's format
//     (int32, int64) and tells an integer from a double, which a .d.ts `number` does not.
//
// Neither package ships the x-kubernetes-* extensions (list types, list-map keys, patch
// strategies): src/sim/kube/openapi/list-types.ts holds those, and documents.ts adds them.
//
// Regenerate (after upgrading either package): node scripts/gen-openapi-definitions.mjs
// Plain .mjs: it uses typescript's compiler API to read the .d.ts files, not to build.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(ROOT, 'package.json'));
const ts = require('typescript');
const clientNode = require('@kubernetes/client-node');
const MODELS = dirname(require.resolve('kubernetes-models/package.json'));
const APIMACHINERY = dirname(require.resolve('@kubernetes-models/apimachinery/package.json'));
const OUT = join(ROOT, 'src/sim/kube/openapi/definitions.generated.ts');

/** The definitions served (every type they refer to comes along). */
const ROOTS = [
  'v1/Namespace', 'v1/NamespaceList', 'v1/Node', 'v1/NodeList', 'v1/Pod', 'v1/PodList', 'v1/Event', 'v1/EventList',
  'v1/ConfigMap', 'v1/ConfigMapList', 'v1/Service', 'v1/ServiceList', 'v1/Endpoints', 'v1/EndpointsList',
  'apps/v1/Deployment', 'apps/v1/DeploymentList', 'apps/v1/StatefulSet', 'apps/v1/StatefulSetList',
  'apps/v1/ReplicaSet', 'apps/v1/ReplicaSetList', 'apps/v1/DaemonSet', 'apps/v1/DaemonSetList',
  'policy/v1/PodDisruptionBudget', 'policy/v1/PodDisruptionBudgetList', 'policy/v1/Eviction',
  'coordination.k8s.io/v1/Lease', 'coordination.k8s.io/v1/LeaseList',
  'autoscaling/v2/HorizontalPodAutoscaler', 'autoscaling/v2/HorizontalPodAutoscalerList', 'autoscaling/v1/Scale',
  '@/apis/meta/v1/Status', '@/apis/meta/v1/DeleteOptions', '@/apis/meta/v1/WatchEvent', '@/apis/meta/v1/Patch',
];

/** The .d.ts file of a root. */
function fileOf(root) {
  return root.startsWith('@/') ? join(APIMACHINERY, `${root.slice(2)}.d.ts`) : join(MODELS, `${root}.d.ts`);
}

/** io.k8s.api.apps.v1.Deployment, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta: the upstream name of the type a .d.ts file declares. */
function definitionName(file) {
  const inMachinery = relative(APIMACHINERY, file);
  if (!inMachinery.startsWith('..')) return `io.k8s.apimachinery.pkg.${inMachinery.replace(/\.d\.ts$/, '').split('/').join('.')}`;
  const parts = relative(MODELS, file).replace(/\.d\.ts$/, '').split('/');
  if (parts.length === 2) return `io.k8s.api.core.${parts.join('.')}`;
  const group = parts[0].replace(/\.k8s\.io$/, '');
  return `io.k8s.api.${group}.${parts.slice(1).join('.')}`;
}

/** client-node's model for a definition, to read formats from: V1DeploymentSpec, V2MetricSpec, CoreV1Event. */
function clientModel(name) {
  const parts = name.split('.');
  const kind = parts.at(-1);
  const version = parts.at(-2);
  const group = parts.at(-3);
  const v = version[0].toUpperCase() + version.slice(1);
  const g = group.split(/[.-]/).map((s) => s[0].toUpperCase() + s.slice(1)).join('');
  for (const candidate of [`${v}${kind}`, `${g}${v}${kind}`]) {
    const model = clientNode[candidate];
    if (model?.attributeTypeMap) return model.attributeTypeMap;
  }
  return undefined;
}

function jsDoc(node) {
  const docs = node.jsDoc;
  if (!docs || docs.length === 0) return undefined;
  const comment = docs[docs.length - 1].comment;
  if (comment === undefined) return undefined;
  return typeof comment === 'string' ? comment : comment.map((c) => c.text).join('');
}

const definitions = new Map();
const queue = ROOTS.map(fileOf);

function parseFile(file) {
  const name = definitionName(file);
  if (definitions.has(name)) return;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const imports = new Map();
  let definition;
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const module = statement.moduleSpecifier.text;
      if (module === '@kubernetes-models/base') continue;
      const target = module.startsWith('.') ? resolve(dirname(file), `${module}.d.ts`) : join(APIMACHINERY, `${module.replace('@kubernetes-models/apimachinery/', '')}.d.ts`);
      for (const element of statement.importClause?.namedBindings?.elements ?? []) imports.set(element.name.text, target);
    } else if (ts.isTypeAliasDeclaration(statement) && statement.name.text.startsWith('I') && definition === undefined) {
      definition = { description: jsDoc(statement), ...alias(name) };
    } else if (ts.isInterfaceDeclaration(statement) && definition === undefined) {
      definition = interfaceDefinition(name, statement, imports);
    }
  }
  if (!definition) throw new Error(`${file} declares no type`);
  if (definition.description === undefined) delete definition.description;
  definitions.set(name, definition);
}

/** The apimachinery types that are aliases of string or number, as the upstream OpenAPI has them. */
function alias(name) {
  switch (name) {
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return { type: 'string' };
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return { type: 'string', format: 'int-or-string' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
      return { type: 'string', format: 'date-time' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return { type: 'string', format: 'date-time' };
    default:
      throw new Error(`no schema for the alias ${name}`);
  }
}

function interfaceDefinition(name, node, imports) {
  const formats = clientModel(name);
  const properties = {};
  const required = [];
  let gvk;
  const literals = {};
  for (const member of node.members) {
    if (!ts.isPropertySignature(member)) continue;
    const field = member.name.text;
    if ((field === 'apiVersion' || field === 'kind') && member.type && ts.isLiteralTypeNode(member.type)) {
      literals[field] = member.type.literal.text;
      properties[field] = { description: TYPE_META[field], type: 'string' };
      continue;
    }
    const schema = typeSchema(member.type, imports, formats?.find((a) => a.baseName === field));
    const description = jsDoc(member);
    properties[field] = description === undefined ? schema : { description, ...schema };
    if (!member.questionToken) required.push(field);
  }
  if (literals.kind) {
    const [group, version] = literals.apiVersion.includes('/') ? literals.apiVersion.split('/') : ['', literals.apiVersion];
    gvk = [{ group, kind: literals.kind, version }];
  }
  return {
    description: jsDoc(node),
    type: 'object',
    ...(Object.keys(properties).length > 0 ? { properties: sortKeys(properties) } : {}),
    ...(required.length > 0 ? { required } : {}),
    ...(gvk ? { 'x-kubernetes-group-version-kind': gvk } : {}),
  };
}

const TYPE_META = {
  apiVersion: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};

function typeSchema(type, imports, attribute) {
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
      return attribute?.format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    case ts.SyntaxKind.NumberKeyword: {
      const format = attribute?.format;
      if (format === 'double') return { type: 'number', format };
      return format ? { type: 'integer', format } : { type: 'integer' };
    }
    case ts.SyntaxKind.UnionType: {
      const values = type.types.map((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : undefined));
      if (values.every((v) => v !== undefined)) return { type: 'string', enum: values };
      throw new Error(`unsupported union ${type.getText()}`);
    }
    case ts.SyntaxKind.TypeReference: {
      const name = type.typeName.getText();
      if (name === 'Array') return { type: 'array', items: typeSchema(type.typeArguments[0], imports, itemAttribute(attribute)) };
      const target = imports.get(name);
      if (!target) throw new Error(`unresolved type ${name}`);
      queue.push(target);
      return { $ref: definitionName(target) };
    }
    case ts.SyntaxKind.TypeLiteral: {
      const index = type.members.find((m) => ts.isIndexSignatureDeclaration(m));
      if (!index) {
        // kubernetes-models inlines StatefulSetSpec.volumeClaimTemplates' PersistentVolumeClaim
        // (apiVersion and kind optional there): upstream refers to the definition.
        if (type.getText().includes('IIoK8sApiCoreV1PersistentVolumeClaimSpec')) {
          const target = join(MODELS, 'v1/PersistentVolumeClaim.d.ts');
          queue.push(target);
          return { $ref: definitionName(target) };
        }
        throw new Error(`unsupported type literal ${type.getText()}`);
      }
      return { type: 'object', additionalProperties: typeSchema(index.type, imports, itemAttribute(attribute)) };
    }
    case ts.SyntaxKind.ArrayType:
      return { type: 'array', items: typeSchema(type.elementType, imports, itemAttribute(attribute)) };
    default:
      throw new Error(`unsupported type ${ts.SyntaxKind[type.kind]}: ${type.getText()}`);
  }
}

/** The attribute of a list's or a map's element: the same format (client-node names only the outer type). */
const itemAttribute = (attribute) => attribute;

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

while (queue.length > 0) parseFile(queue.shift());

const sorted = sortKeys(Object.fromEntries(definitions));
const json = JSON.stringify(sorted);
const packages = ['kubernetes-models', '@kubernetes-models/apimachinery', '@kubernetes/client-node']
  .map((p) => `${p}@${require(`${p}/package.json`).version}`).join(', ');
const header = `// GENERATED by scripts/gen-openapi-definitions.mjs from ${packages}: do not edit.
// Regenerate with: node scripts/gen-openapi-definitions.mjs
//
// The OpenAPI definitions (types, formats, required fields, enums, descriptions) of the
// kinds the simulated API server serves and of every type they refer to, as those packages
// publish them (their text comes from the Kubernetes OpenAPI, Apache-2.0). The x-kubernetes
// list and patch extensions are not in them: see list-types.ts.

import type { Definition } from './types.js';

/** ${definitions.size} definitions by upstream name (io.k8s.api.apps.v1.Deployment). */
export const DEFINITIONS: Readonly<Record<string, Definition>> = JSON.parse(${JSON.stringify(json)});
`;
writeFileSync(OUT, header);
console.log(`wrote ${relative(ROOT, OUT)}: ${definitions.size} definitions, ${json.length} characters`);
