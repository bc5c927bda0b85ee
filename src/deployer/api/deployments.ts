// /deployments and /apps: start a deployment from a descriptor (202 with Location), read
// deployments (all, a namespace's or an app's history, oldest first; one with its
// descriptor), their logs (a JSON array, or a live stream), and the app operations undeploy
// and rollback. Refusals come from the deployer as DeployerErrors (conflict 409 with
// details.running, precondition 412) and are mapped in reply.ts.

import type { Descriptor } from '../descriptor/index.js';
import { type DeployerPolicy, namespaceViolations, policyViolations } from '../descriptor/policy/index.js';
import { parseDescriptor, policyRefusal } from './body.js';
import { shown } from './descriptors.js';
import { ApiError, started, summary } from './reply.js';
import { queryName, type Params, type Route } from './router.js';
import { streamLogs, type StreamOptions } from './stream.js';
import type { DeploymentRecord } from '../state/records.js';

async function existing(o: StreamOptions, { ns, app, id }: Params) {
  const record = await o.deployer.get(ns, app, id);
  if (!record) throw new ApiError(404, 'SCALERD_ERR_API_NOT_FOUND', `no deployment ${id} of ${ns}/${app}`);
  return record;
}

export type DeploymentRoutesOptions = StreamOptions & { readonly policy: DeployerPolicy };

/** A record with its descriptor as GET /descriptors shows one (webhook URLs redacted): every answer that carries a descriptor. */
function withShownDescriptor(record: DeploymentRecord): DeploymentRecord {
  const descriptor = record.descriptor as Descriptor | undefined;
  return descriptor?.healthCheck === undefined ? record : { ...record, descriptor: shown(descriptor) };
}

export function deploymentRoutes(o: DeploymentRoutesOptions): Route[] {
  const { deployer, policy } = o;
  return [
    {
      path: '/deployments', auth: 'token', methods: {
        GET: async ({ query }) => {
          const namespace = queryName(query, 'namespace', 'ns');
          const app = queryName(query, 'app', 'app');
          if (app !== undefined && namespace === undefined) throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', 'app= needs namespace= too');
          return { status: 200, body: (await deployer.list(namespace, app)).map(summary) };
        },
        POST: async ({ text }) => started(withShownDescriptor(await deployer.deploy(parseDescriptor(await text(), policy).descriptor))),
      },
    },
    {
      path: '/deployments/{ns}/{app}', auth: 'token', methods: {
        GET: async ({ params }) => ({ status: 200, body: (await deployer.list(params.ns, params.app)).map(summary) }),
      },
    },
    {
      path: '/deployments/{ns}/{app}/{id}', auth: 'token', methods: {
        GET: async ({ params }) => ({ status: 200, body: withShownDescriptor(await existing(o, params)) }),
      },
    },
    {
      path: '/deployments/{ns}/{app}/{id}/logs', auth: 'token', methods: {
        GET: async ({ params }) => {
          await existing(o, params);
          return { status: 200, body: await deployer.logs(params.ns, params.app, params.id) };
        },
      },
    },
    {
      path: '/deployments/{ns}/{app}/{id}/logs/stream', auth: 'token', methods: {
        GET: async (call) => {
          await existing(o, call.params);
          return streamLogs(call, o);
        },
      },
    },
    {
      path: '/apps', auth: 'token', methods: {
        GET: async () => ({ status: 200, body: await deployer.apps() }),
      },
    },
    {
      path: '/apps/{ns}/{app}/undeploy', auth: 'token', methods: {
        POST: async ({ params }) => started(withShownDescriptor(await deployer.undeploy(params.ns, params.app))),
      },
    },
    {
      path: '/apps/{ns}/{app}/rollback', auth: 'token', methods: {
        POST: async ({ params }) => {
          // The descriptor rolled back to passed the policy when it was deployed; the
          // operator may have narrowed the policy since, so it passes today's again.
          const refused = namespaceViolations(params.ns, policy);
          if (refused.length > 0) throw policyRefusal(refused);
          const admit = (descriptor: Descriptor) => {
            const broken = policyViolations(descriptor, policy);
            if (broken.length > 0) throw policyRefusal(broken);
          };
          return started(withShownDescriptor(await deployer.rollback(params.ns, params.app, admit)));
        },
      },
    },
  ];
}
