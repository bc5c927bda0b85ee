// Webhooks told the outcome of a deployment: a POST of {event, deployment} to each URL
// whose events include it (all when none are listed). Best-effort: a hook that fails or
// takes longer than 5 s is logged, never a reason to fail or delay the deployment.

import type { Logger } from 'pino';
import type { DeployEvent, Webhook } from '../descriptor/index.js';
import type { DeploymentRecord } from '../state/records.js';

const TIMEOUT_MS = 5_000;

export async function notify(hooks: readonly Webhook[], event: DeployEvent, record: DeploymentRecord, log: Logger): Promise<void> {
  const { descriptor: _descriptor, ...deployment } = record;
  await Promise.all(hooks.filter((h) => h.events.length === 0 || h.events.includes(event)).map(async (hook) => {
    try {
      const response = await fetch(hook.url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'scalerd-deployer' },
        body: JSON.stringify({ event, deployment }), signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) log.warn({ event: 'webhook-failed', url: hook.url, status: response.status }, `webhook ${hook.url} answered ${response.status}`);
    } catch (error) {
      log.warn({ event: 'webhook-failed', url: hook.url, err: error }, `webhook ${hook.url} failed: ${(error as Error).message}`);
    }
  }));
}
