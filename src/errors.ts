// The error catalogue: every code scalerd reports, with a one-line summary. Codes are
// permanent: a retired code is never reused. docs/errors.md lists the same codes (a test
// keeps the two in step), and the CLI maps families to exit codes.

export const CODES = {
  SCALERD_ERR_SCHEDULE_READ: 'the schedule file cannot be read',
  SCALERD_ERR_SCHEDULE_JSON: 'the schedule file is not valid JSON',
  SCALERD_ERR_SCHEDULE_DUPLICATE_KEY: 'a property appears twice in one object',
  SCALERD_ERR_SCHEDULE_SCHEMA: 'a value does not have the shape the schema requires',
  SCALERD_ERR_SCHEDULE_TIMEZONE: 'a time zone is not a known IANA zone',
  SCALERD_ERR_SCHEDULE_WINDOW_EMPTY: 'a window starts when it ends',
  SCALERD_ERR_SCHEDULE_WINDOW_ORDER: 'an absolute window ends before it starts',
  SCALERD_ERR_SCHEDULE_DATE: 'a date or date-time does not exist, or a date range runs backwards',
  SCALERD_ERR_SCHEDULE_CRON: 'a cron expression is invalid or never matches',
  SCALERD_ERR_SCHEDULE_DURATION: 'a duration is zero or longer than 31 days',
  SCALERD_ERR_SCHEDULE_DATE_LIST_UNKNOWN: 'a window uses a date list that is not defined',
  SCALERD_ERR_SCHEDULE_DATE_LIST_MISUSE: 'alsoOn or exceptOn is used on an absolute window',
  SCALERD_ERR_SCHEDULE_DUPLICATE_WINDOW: 'two windows have the same name',
  SCALERD_ERR_SCHEDULE_LIMITS: 'a min limit is above its max',
  SCALERD_ERR_SCHEDULE_OUT_OF_LIMITS: 'a capacity or replica count is outside its limits',
  SCALERD_ERR_SCHEDULE_UNKNOWN_GROUP: 'a capacity names a node group that is not declared',
  SCALERD_ERR_SCHEDULE_UNKNOWN_WORKLOAD: 'replicas name a workload that is not declared',
  SCALERD_ERR_SCHEDULE_DEFAULT_MISSING: 'the default state leaves a node group or workload unset',
  SCALERD_ERR_SCHEDULE_WORKLOAD_NAME: 'a workload key is not a valid Kubernetes namespace/name',
  SCALERD_ERR_SCHEDULE_TOO_COMPLEX: 'the windows may start or be in force more than 10,000 times in one day, or checking the schedule took too long',
  SCALERD_WARN_SCHEDULE_OVERLAP: 'two windows overlap and set the same field; precedence decides',
  SCALERD_WARN_SCHEDULE_UNUSED_DATE_LIST: 'a date list is defined but no window uses it',
  SCALERD_WARN_SCHEDULE_DST: 'a window starts or ends in a DST gap or repeated hour on some dates within the next year (one warning per window, every date listed)',
  SCALERD_ERR_SCENARIO_READ: 'the scenario file cannot be read',
  SCALERD_ERR_SCENARIO_JSON: 'the scenario file is not valid JSON',
  SCALERD_ERR_SCENARIO_DUPLICATE_KEY: 'a property appears twice in one object of a scenario',
  SCALERD_ERR_SCENARIO_SCHEMA: 'a scenario value does not have the shape the schema requires',
  SCALERD_ERR_SCENARIO_INVALID: 'a scenario is inconsistent (sizes outside limits, names used twice)',
  SCALERD_ERR_SCENARIO_USER_DATA: 'a node group\'s cloud-init user data cannot be read for its labels and taints',
  SCALERD_ERR_AWS_CONFIG: 'the AWS client configuration is invalid (region, endpoint, credentials)',
  SCALERD_ERR_AWS_CALL: 'an AWS API call failed',
  SCALERD_ERR_KUBE_CONFIG: 'no usable kubeconfig (flag, KUBECONFIG, ~/.kube/config or in-cluster)',
  SCALERD_ERR_KUBE_CALL: 'a Kubernetes API call failed',
  SCALERD_ERR_INPUT_TOO_LARGE: "a file or document is larger than 1 MiB, the most scalerd reads (a ConfigMap's limit)",
  SCALERD_ERR_INPUT_TOO_DEEP: 'a JSON document nests arrays and objects deeper than 64 levels',
  SCALERD_ERR_INPUT_NOT_A_FILE: 'a path names a directory, FIFO, device or socket instead of a regular file',
  SCALERD_ERR_CLI_USAGE: 'a command was called with wrong arguments',
  SCALERD_ERR_CLI_TIME: 'a time given on the command line cannot be read',
  SCALERD_ERR_CLI_LISTEN: 'a port given by a flag (--listen, --port) cannot be listened on: in use, not permitted, or not an address of this machine',
  SCALERD_ERR_OVERRIDE_ENTRY: 'an entry of the overrides ConfigMap cannot be read; it is skipped',
  SCALERD_ERR_OVERRIDE_NO_NEXT_WINDOW: 'the schedule never changes again, so an override cannot last until the next window',
  SCALERD_ERR_OVERRIDE_NOT_FOUND: 'no override with that id is stored',
  SCALERD_ERR_OVERRIDE_CONFLICT: 'the overrides ConfigMap kept changing during a write; nothing was written',
  SCALERD_ERR_OVERRIDE_INVALID: 'an override sent to the console is not one the schedule allows (the message says which field and why); nothing was written',
  SCALERD_WARN_OVERRIDE_CLAMPED: "an override value is outside the schedule's limits; the limit is applied",
  SCALERD_WARN_OVERRIDE_IGNORED: 'an override names a node group or workload the schedule does not declare',
  SCALERD_ERR_HISTORY_CONFLICT: 'the history ConfigMap kept changing during a write; the entry was not written',
  SCALERD_ERR_DESCRIPTOR_READ: 'the descriptor file cannot be read',
  SCALERD_ERR_DESCRIPTOR_JSON: 'the descriptor is not valid JSON',
  SCALERD_ERR_DESCRIPTOR_DUPLICATE_KEY: 'a property appears twice in one object of a descriptor',
  SCALERD_ERR_DESCRIPTOR_SCHEMA: 'a descriptor value does not have the shape the schema requires',
  SCALERD_ERR_DESCRIPTOR_PORT: 'a descriptor declares no TCP port, a port twice, or a health check port no container declares',
  SCALERD_ERR_DESCRIPTOR_DUPLICATE_NAME: 'two containers of a descriptor have the same name',
  SCALERD_ERR_DESCRIPTOR_ENV: 'a descriptor sets a variable the deployer sets (APP_NAME, APP_VERSION, POD_NAME, POD_NAMESPACE)',
  SCALERD_ERR_DESCRIPTOR_HEALTH_CHECK: "a health check's deadline is too short for its successes and interval",
  SCALERD_ERR_DESCRIPTOR_HEALTH_PATH: 'a health check path holds a character the load balancer cannot carry (quotes, spaces, backslash, $, #), or is longer than 1024 characters',
  SCALERD_ERR_DESCRIPTOR_WEBHOOK: 'a webhook URL cannot be parsed',
  SCALERD_ERR_DESCRIPTOR_POLICY: "a descriptor breaks the deployer's policy (namespaces, Pod Security Standards level, webhook targets); the message names the rule",
  SCALERD_ERR_DESCRIPTOR_VERSION: 'version "auto" would go past the largest version, 999999999',
  SCALERD_WARN_DESCRIPTOR_PORT_UNDECLARED: 'the health check port is a number that no container declares',
  SCALERD_ERR_LB_ETCD: 'lb-sync cannot read or write /scalerd/lb/ in etcd; it retries',
  SCALERD_ERR_LB_ENTRY: 'an entry under /scalerd/lb/ is invalid; lb-sync leaves it out and reports why in its status',
  SCALERD_ERR_LB_CONFIG_CHECK: 'haproxy -c rejected the rendered configuration; haproxy keeps the one it runs',
  SCALERD_ERR_LB_RELOAD: 'haproxy did not confirm a reload; the old worker keeps serving',
  SCALERD_ERR_LB_HAPROXY: "haproxy's admin or master socket cannot be reached or refused a command; lb-sync retries",
  SCALERD_ERR_DEPLOY_ETCD: 'the deployer cannot reach etcd; a deployment under way waits in its phase and retries until etcd answers',
  SCALERD_ERR_DEPLOY_FENCED: "a deployment's app lock was lost or taken over; it stops acting and the lock's holder completes or rolls it back",
  SCALERD_ERR_DEPLOY_BAKE: 'a new version breached its bake thresholds after the switch; traffic went back to the old version',
  SCALERD_ERR_DEPLOY_RECONCILE: "reconciling an app's running versions with its records failed; the next pass tries again",
  SCALERD_ERR_API_TOKEN: 'the deployer API token is missing, too short, or its file cannot be read',
  SCALERD_ERR_API_UNAUTHORIZED: 'a request to the deployer API or the console has no bearer token, or a wrong one',
  SCALERD_ERR_API_WEBHOOK_SECRET: 'a registry webhook call has no X-Scalerd-Webhook-Secret header, or a wrong one',
  SCALERD_ERR_API_WEBHOOK_SIGNATURE: 'a registry webhook call has an X-Scalerd-Signature that is malformed, outside the tolerance window or wrong, or none where only signed calls are taken',
  SCALERD_ERR_API_BODY_TOO_LARGE: 'a request body is larger than the deployer API accepts',
  SCALERD_ERR_API_JSON: 'a request body is not valid JSON; the details say where',
  SCALERD_ERR_API_REQUEST: 'a request is malformed: a body of the wrong shape, a path and body that disagree, a bad name or query parameter',
  SCALERD_ERR_API_ROUTE: 'the deployer API has no such route',
  SCALERD_ERR_API_METHOD: 'the route does not take that method; the Allow header lists those it takes',
  SCALERD_ERR_API_NOT_FOUND: 'no descriptor, deployment or app with that namespace, name or id',
  SCALERD_ERR_API_CONFLICT: 'the descriptor exists already, or the app has a deployment under way (details.running names it)',
  SCALERD_ERR_API_PRECONDITION: 'the deployer cannot act now (etcd or the cluster cannot be reached, the hostnames disagree); nothing was changed',
  SCALERD_ERR_API_INVALID: 'the descriptor is invalid; details.diagnostics says where and why',
  SCALERD_ERR_API_POLICY: "the descriptor breaks the deployer's policy; details.rule names the first rule broken, details.violations every one",
  SCALERD_ERR_API_INTERNAL: 'the deployer failed unexpectedly; its log says why',
  SCALERD_ERR_CONSOLE_READ_ONLY: 'the console takes no changes: the daemon runs without --token-file',
  SCALERD_ERR_CONSOLE_ORIGIN: 'a change sent to the console came from a page of another origin',
  SCALERD_ERR_API_CALL: 'a call to the deployer API failed: it cannot be reached, or it answered with an error',
} as const;

export type Code = keyof typeof CODES;

/** Base of every error scalerd throws on purpose; `code` is from the catalogue. */
export class ScalerdError extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user (arguments, files): exit code 2 when it is about usage. */
export class UsageError extends ScalerdError {}

/** A remote API call failed after the adapter's own retries. */
export class RemoteError extends ScalerdError {
  constructor(
    code: 'SCALERD_ERR_AWS_CALL' | 'SCALERD_ERR_KUBE_CALL',
    message: string,
    readonly detail: {
      /** e.g. "DescribeAutoScalingGroups", "evict pods". */
      readonly operation: string;
      /** HTTP status, when there was a response. */
      readonly status?: number;
      /** The AWS error code or the Kubernetes Status reason. */
      readonly reason?: string;
      /** Whether trying again later may succeed (throttling, 5xx, timeouts, conflicts). */
      readonly retryable: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export function isRemoteError(error: unknown): error is RemoteError {
  return error instanceof RemoteError;
}

export function isScalerdError(error: unknown): error is ScalerdError {
  return error instanceof ScalerdError;
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
