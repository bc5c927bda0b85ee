// Where EC2 is, decided as @aws-sdk/client-ec2 decides it: the endpoint option if given
// (--aws-endpoint, shared with Auto Scaling), else one configured outside scalerd
// (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, the shared config file's endpoint_url; not with
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else AWS's rules for the region, FIPS and dual-stack
// (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT or the shared config file, as the Auto
// Scaling client reads them).

import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';

type AutoScalingConfig = AutoScalingClient['config'];
type EndpointProvider = AutoScalingConfig['endpointProvider'];
type Endpoint = ReturnType<EndpointProvider>;

/** The endpoint parameters every command of client-ec2 declares (its endpoint/EndpointParameters commonParams). */
const INSTRUCTIONS = {
  UseFIPS: { type: 'builtInParams', name: 'useFipsEndpoint' },
  Endpoint: { type: 'builtInParams', name: 'endpoint' },
  Region: { type: 'builtInParams', name: 'region' },
  UseDualStack: { type: 'builtInParams', name: 'useDualstackEndpoint' },
} as const;

/** Throws what the SDK throws for a combination AWS has no endpoint for (FIPS in a partition without it, …). */
export async function ec2Endpoint(autoscaling: AutoScalingConfig): Promise<URL> {
  const endpoint = await getEndpointFromInstructions(
    {},
    { getEndpointParameterInstructions: () => INSTRUCTIONS },
    {
      // Names the AWS_ENDPOINT_URL_EC2 variable and the [services] key "ec2".
      serviceId: 'EC2',
      region: autoscaling.region,
      useFipsEndpoint: autoscaling.useFipsEndpoint,
      useDualstackEndpoint: autoscaling.useDualstackEndpoint,
      endpoint: autoscaling.endpoint,
      isCustomEndpoint: autoscaling.isCustomEndpoint,
      endpointProvider: (params: Parameters<EndpointProvider>[0]) => ec2Rules(autoscaling.endpointProvider(params), params.Endpoint),
    },
  );
  return endpoint.url;
}

/**
 * client-ec2's endpoint rules are client-auto-scaling's with "ec2" for "autoscaling" in the
 * host name (both are AWS's standard regional rules; the test on endpoints compares them with
 * client-ec2's for every partition), so the Auto Scaling client's rules, with its partition
 * table, serve here with the first label renamed. A given endpoint is taken as it is.
 */
function ec2Rules(autoscaling: Endpoint, given: string | undefined): Endpoint {
  if (given !== undefined) return autoscaling;
  const url = new URL(autoscaling.url.href);
  const [label = '', ...rest] = url.hostname.split('.');
  if (label !== 'autoscaling' && label !== 'autoscaling-fips') {
    throw new Error(`the Auto Scaling endpoint rules gave ${url.host}, not an autoscaling host: no EC2 endpoint can be derived from it`);
  }
  url.hostname = [label.replace('autoscaling', 'ec2'), ...rest].join('.');
  return { ...autoscaling, url };
}
