// The alert rules (deploy/prometheus/rules.yaml) with Debian's real promtool: they load,
// promtool's unit tests pass (test/monitoring/rules.test.yaml), every alert has a test where
// it fires and one where it does not, and a runbook section in docs/alerts.md that its
// runbook_url points at. The list of alerts is all there.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/render.js';
import { alertRules, RULES_FILE } from './files.js';

const run = promisify(execFile);

type UnitTests = { tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };

describe('the alert rules, with promtool', () => {
  it('promtool check rules: they load', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', RULES_FILE]);
    expect(stdout).toContain(`SUCCESS: ${alertRules().length} rules found`);
  });

  it('promtool test rules: every unit test passes', async () => {
    const { stdout, stderr } = await run('promtool', ['test', 'rules', 'rules.test.yaml'], { cwd: join(ROOT, 'test/monitoring') }).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${stdout}${stderr}`).toMatch(/SUCCESS/);
    expect(`${stdout}${stderr}`).not.toMatch(/FAILED/);
  });

  it('promtool test rules can fail: a wrong expectation is caught', async () => {
    const tests = readFileSync(join(ROOT, 'test/monitoring/rules.test.yaml'), 'utf8').replace('severity: critical', 'severity: warning');
    const dir = join(ROOT, 'test/monitoring');
    const file = join(dir, '.rules.broken.test.yaml');
    await writeFile(file, tests);
    try {
      const failed = await run('promtool', ['test', 'rules', '.rules.broken.test.yaml'], { cwd: dir }).then(() => false, () => true);
      expect(failed).toBe(true);
    } finally {
      await rm(file, { force: true });
    }
  });

  it('every alert has a test where it fires and one where it does not', () => {
    const tests = yaml.load(readFileSync(join(ROOT, 'test/monitoring/rules.test.yaml'), 'utf8')) as UnitTests;
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} fires in some test`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} stays quiet in some test`).toBe(true);
    }
  });

  it('the issue\'s alerts are all there, each with a severity, words and a runbook section in docs/alerts.md', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'ScalerdApiErrorRatioHigh', 'ScalerdCapacityNotReached', 'ScalerdDeploymentFailed', 'ScalerdNoLeader',
      'ScalerdNodeStuckInScaleDown', 'ScalerdOverrideEndingSoon', 'ScalerdScaleOperationFailing', 'ScalerdScheduleStale',
    ]);
    const docs = readFileSync(join(ROOT, 'docs/alerts.md'), 'utf8');
    const headings = new Set([...docs.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!));
    for (const rule of rules) {
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
      expect(headings, rule.alert).toContain(rule.alert);
      expect(rule.annotations.runbook_url).toBe(`https://github.com/scalerd/scalerd/blob/main/docs/alerts.md#${rule.alert.toLowerCase()}`);
    }
    expect([...headings].sort()).toEqual(rules.map((r) => r.alert).sort());
  });
});
