// A real browser for the console's tests: Debian's chromium (/usr/bin/chromium, which
// .ci/run installs) driven by playwright-core, headless, with the flags that keep it off the
// network (this machine reaches none but loopback). Screenshots go to test-results/console/
// (not committed); axe-core checks each page for accessibility.

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SCALERD_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = fileURLToPath(new URL('../../test-results/console/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Every console error and uncaught exception of the page, and every failed request, as text. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request: ${r.url()} ${r.failure()?.errorText}`); });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = `${SHOTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Through the DevTools protocol, as an extension would: the page's own CSP allows no inline script.
  await page.evaluate(AXE);
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };
  // A string, run in the page: this file is compiled without the DOM's types.
  const violations = await page.evaluate(`axe.run(document, ${JSON.stringify(options)}).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/**
 * Every page is checked the same way at both sizes the issue names: axe's serious and
 * critical violations and a screenshot at 1280×800, then at 390×844 (where the page is left).
 */
export async function atBothSizes(page: Page, name: string): Promise<{ wide: string[]; phone: string[] }> {
  const wide = await seriousViolations(page);
  await screenshot(page, `${name}-1280x800`);
  await page.setViewportSize({ width: 390, height: 844 });
  const phone = await seriousViolations(page);
  await screenshot(page, `${name}-390x844`);
  return { wide, phone };
}
