// What the deployer reads of Kubernetes Secrets: one key of one Secret, when a descriptor's
// webhook is called (its secretRef signs the call). Implemented in src/kube/secrets.ts.
//
// Semantics: a Secret or key that does not exist is undefined, not an error; the value is
// decoded (Secrets store base64). Anything else that fails is a RemoteError
// (SCALERD_ERR_KUBE_CALL) after the adapter's retries. The value is never logged.
//
// The call, for RBAC: secrets: get (in the namespaces the deployer deploys to).

export interface SecretReader {
  readSecretKey(namespace: string, name: string, key: string): Promise<string | undefined>;
}
