// The shape of the generated definitions (definitions.generated.ts): OpenAPI schema
// objects with references by bare definition name, turned into v2 (#/definitions/…) or v3
// (#/components/schemas/…) references by documents.ts.

export type Schema = {
  readonly description?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly string[];
  /** A definition's name, e.g. io.k8s.api.core.v1.Container. */
  readonly $ref?: string;
  readonly items?: Schema;
  readonly additionalProperties?: Schema;
};

export type GroupVersionKind = { readonly group: string; readonly kind: string; readonly version: string };

export type Definition = Schema & {
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
};
