// The console's Deployments page in a real browser, served by the deployer itself on the
// real bed (etcd, haproxy with lb-sync, the simulated cluster running the test app): what
// each hostname serves, a running deployment's log followed live, and a rollback from the
// page that switches traffic (checked through haproxy).

import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConsoleAssets } from '../../src/console/assets.js';
import { createDeployerApi, type ListeningApi } from '../../src/deployer/api/index.js';
import { DeployerService } from '../../src/deployer/service/service.js';
import { HOST, helloDescriptor, startDeployerBed, type DeployerBed } from '../deployer/bed.js';
import { httpGet, waitFor } from '../deployer/infra.js';
import { atBothSizes, collectErrors, launchBrowser } from './browser.js';

const TOKEN = 'deployments-console-token-0123';
let bed: DeployerBed;
let service: DeployerService;
let api: ListeningApi;
let browser: Browser;

beforeAll(async () => {
  bed = await startDeployerBed();
  service = new DeployerService({ store: bed.store(), engine: bed.engine, log: pino({ level: 'silent' }) });
  api = await createDeployerApi({ deployer: service, token: TOKEN, log: pino({ level: 'silent' }), console: await loadConsoleAssets() }).listen('127.0.0.1', 0);
  for (const version of [1, 2]) {
    await service.deploy(helloDescriptor(version));
    await service.idle();
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await service?.stop();
  await bed?.stop();
});

async function openSignedIn(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const errors = collectErrors(page);
  await page.goto(`${api.url}/`);
  // The deployer's console: one page, and the API says who may read it.
  await page.getByLabel('Token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('tr[data-app="default/hello"]').waitFor();
  return { page, errors: errors };
}

const serves = (page: Page) => page.locator('tr[data-app="default/hello"] td[data-field="serves"]').textContent();

describe('the Deployments page', { timeout: 120_000 }, () => {
  it('shows what each hostname serves, as haproxy answers', async () => {
    const { page, errors } = await openSignedIn();
    expect(await serves(page)).toBe(`${HOST} → v2`);
    expect((await httpGet(bed.lbUrl, HOST)).version).toBe('2');
    expect(await page.locator('nav a').allTextContents()).toEqual(['Deployments']);
    expect(await atBothSizes(page, 'deployments')).toEqual({ wide: [], phone: [] });
    // The 401 before the sign-in is the one error the browser reports.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.context().close();
  });

  it('follows a running deployment\'s log live, then its end, without a reload', async () => {
    const { page, errors } = await openSignedIn();
    // A 4 s bake keeps it running while the page reads its log.
    const record = await service.deploy(helloDescriptor(3, {}, { bake: { durationMs: 4000 } }));
    await page.locator(`tr[data-deployment="${record.id}"] button`).click();
    await page.locator('.log li', { hasText: 'baking version 3' }).waitFor({ timeout: 30_000 });
    expect((await service.get('default', 'hello', record.id))!.status).toBe('RUNNING');
    await page.locator('.log li', { hasText: 'version 3 serves hello.test' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => serves(page), { timeout: 10_000 }).toBe(`${HOST} → v3`);
    await service.idle();
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.context().close();
  });

  it('rolls back from the page: the previous version\'s spec serves again, through haproxy', async () => {
    const { page, errors } = await openSignedIn();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByText(/^Rollback started: deployment \S+ \(version 4\)/).waitFor();
    await waitFor('the rollback to finish', async () => ((await service.list('default', 'hello')).at(-1)?.status === 'SUCCESS' ? true : undefined), 60_000);
    expect((await httpGet(bed.lbUrl, HOST)).version).toBe('4');
    const done = (await service.list('default', 'hello')).at(-1)!;
    expect((done.descriptor as { podSpec: unknown }).podSpec).toEqual(helloDescriptor(2).podSpec);
    await expect.poll(() => serves(page), { timeout: 10_000 }).toBe(`${HOST} → v4`);
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.context().close();
  });
});
