// /descriptors: the stored descriptors (what the registry webhook redeploys with a new
// image). POST creates (409 when the app has one), PUT replaces (404 when it has none; the
// body must name the path's app), DELETE removes; /descriptors/validate checks a body and
// stores nothing. Stored and returned with every default applied, and returned without
// what is derived (the health check's container), so that what GET gives, PUT takes. Every
// body is checked against the operator's policy too (422 SCALERD_ERR_API_POLICY).

import type { Descriptor } from '../descriptor/index.js';
import { type DeployerPolicy, redactUrl } from '../descriptor/policy/index.js';
import type { Deployer } from '../service/types.js';
import { parseDescriptor } from './body.js';
import { ApiError } from './reply.js';
import type { Params, Route } from './router.js';

/**
 * The descriptor as a valid document again: `healthCheck.container` is worked out from the
 * port, not written. Webhook URLs are shown redacted: one stored before the policy refused
 * credentials in URLs must not give them away.
 */
export function shown(descriptor: Descriptor): unknown {
  const { container: _container, ...healthCheck } = descriptor.healthCheck;
  return { ...descriptor, healthCheck, webhooks: (descriptor.webhooks ?? []).map((hook) => ({ ...hook, url: redactUrl(hook.url) })) };
}

const notFound = ({ ns, app }: Params): ApiError => new ApiError(404, 'SCALERD_ERR_API_NOT_FOUND', `no descriptor of ${ns}/${app} is stored`);

export function descriptorRoutes(deployer: Deployer, policy: DeployerPolicy): Route[] {
  return [
    {
      path: '/descriptors', auth: 'token', methods: {
        GET: async () => ({ status: 200, body: (await deployer.listDescriptors()).map(shown) }),
        POST: async (call) => {
          const { descriptor } = parseDescriptor(await call.text(), policy);
          const { namespace, appName } = descriptor;
          // A race between two creates of one app leaves the later one stored: etcd holds one value a key.
          if (await deployer.getDescriptor(namespace, appName)) {
            throw new ApiError(409, 'SCALERD_ERR_API_CONFLICT', `a descriptor of ${namespace}/${appName} is stored already; PUT /descriptors/${namespace}/${appName} replaces it`);
          }
          await deployer.putDescriptor(descriptor);
          return { status: 201, body: shown(descriptor), headers: { location: `/descriptors/${namespace}/${appName}` } };
        },
      },
    },
    {
      path: '/descriptors/validate', auth: 'token', methods: {
        POST: async (call) => {
          const { warnings } = parseDescriptor(await call.text(), policy);
          return { status: 200, body: { valid: true, warnings } };
        },
      },
    },
    {
      path: '/descriptors/{ns}/{app}', auth: 'token', methods: {
        GET: async ({ params }) => {
          const descriptor = await deployer.getDescriptor(params.ns, params.app);
          if (!descriptor) throw notFound(params);
          return { status: 200, body: shown(descriptor) };
        },
        PUT: async ({ params, text }) => {
          const { descriptor } = parseDescriptor(await text(), policy);
          if (descriptor.namespace !== params.ns || descriptor.appName !== params.app) {
            throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', `the body is a descriptor of ${descriptor.namespace}/${descriptor.appName}, the path names ${params.ns}/${params.app}`);
          }
          if (!(await deployer.getDescriptor(params.ns, params.app))) throw notFound(params);
          await deployer.putDescriptor(descriptor);
          return { status: 200, body: shown(descriptor) };
        },
        DELETE: async ({ params }) => {
          if (!(await deployer.deleteDescriptor(params.ns, params.app))) throw notFound(params);
          return { status: 204 };
        },
      },
    },
  ];
}
