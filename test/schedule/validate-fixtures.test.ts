// `scalerd validate` on broken schedules, through the built CLI as users run it. Each
// fixture in test/fixtures/invalid/ has one or two deliberate mistakes; the expected
// line:column of each diagnostic was worked out by reading the fixture (1-based; the
// value's first character, or the property name for unknown properties, duplicate keys
// and unknown names), not copied from the tool's output.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = 'test/fixtures/invalid';

function validate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['dist/cli/main.js', 'validate', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

type Expected = {
  /** "line:column" */
  readonly at: string;
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly pointer: string;
  /** A part of the message that says what is wrong. */
  readonly says: string | RegExp;
};

const error = (at: string, code: string, pointer: string, says: string | RegExp): Expected =>
  ({ at, severity: 'error', code: `SCALERD_ERR_SCHEDULE_${code}`, pointer, says });
const warning = (at: string, code: string, pointer: string, says: string | RegExp): Expected =>
  ({ at, severity: 'warning', code: `SCALERD_WARN_SCHEDULE_${code}`, pointer, says });

type Case = { readonly file: string; readonly checks: string; readonly exit: 0 | 1; readonly expected: readonly Expected[] };

const CASES: readonly Case[] = [
  { file: `${DIR}/01-missing-comma.json`, checks: 'JSON syntax: a missing comma between two properties', exit: 1, expected: [
    error('15:7', 'JSON', '', 'a comma is missing'),
  ] },
  { file: `${DIR}/02-trailing-comma.json`, checks: 'JSON syntax: a trailing comma before } (one mistake, one error)', exit: 1, expected: [
    error('10:3', 'JSON', '', 'a property name is expected'),
  ] },
  { file: `${DIR}/03-comment.json`, checks: 'JSON syntax: a // comment', exit: 1, expected: [
    error('6:5', 'JSON', '', 'comment'),
  ] },
  { file: `${DIR}/04-duplicate-key.json`, checks: 'a property twice in one window', exit: 1, expected: [
    error('17:7', 'DUPLICATE_KEY', '/windows/0/capacity', 'property "capacity" appears more than once'),
  ] },
  { file: `${DIR}/05-unknown-timezones.json`, checks: 'unknown zones, at the top and in a window, both reported', exit: 1, expected: [
    error('4:15', 'TIMEZONE', '/timezone', 'unknown time zone "Europe/Amsterdm"'),
    error('19:19', 'TIMEZONE', '/windows/1/timezone', 'unknown time zone "America/New_Yrok"'),
  ] },
  { file: `${DIR}/06-weekly-empty.json`, checks: 'a weekly window with from == to', exit: 1, expected: [
    error('14:61', 'WINDOW_EMPTY', '/windows/0/weekly/to', 'window "nightly-batch" starts and ends at 22:00'),
  ] },
  { file: `${DIR}/07-cron-invalid-start-zero-duration.json`, checks: 'cron hour 25, and a 0m duration in another window', exit: 1, expected: [
    error('14:26', 'CRON', '/windows/0/cron/start', '25 is outside 0-23 in the hour field'),
    error('21:21', 'DURATION', '/windows/1/cron/duration', 'duration "0m"'),
  ] },
  { file: `${DIR}/08-cron-never-matches.json`, checks: 'a cron for 30 February', exit: 1, expected: [
    error('14:26', 'CRON', '/windows/0/cron/start', 'cron "0 0 30 2 *" never matches'),
  ] },
  { file: `${DIR}/09-unknown-date-list.json`, checks: 'alsoOn names a date list that is not defined', exit: 1, expected: [
    error('18:30', 'DATE_LIST_UNKNOWN', '/windows/0/alsoOn/1', 'unknown date list "holidys"'),
  ] },
  { file: `${DIR}/10-capacity-limits.json`, checks: 'min > max on a group (reported once, not again at its default), a window above max', exit: 1, expected: [
    error('7:45', 'LIMITS', '/nodeGroups/gpu/min', 'node group "gpu" has min 4 above max 2'),
    error('16:32', 'OUT_OF_LIMITS', '/windows/0/capacity/workers', 'capacity 48 for "workers" is outside its limits 2..40'),
  ] },
  { file: `${DIR}/11-duplicate-window-names.json`, checks: 'two windows named "weekends"', exit: 1, expected: [
    error('24:15', 'DUPLICATE_WINDOW', '/windows/2/name', 'window name "weekends" is already used by /windows/1'),
  ] },
  { file: `${DIR}/12-workload-name.json`, checks: 'a workload key that is not a Kubernetes namespace/name', exit: 1, expected: [
    error('10:5', 'WORKLOAD_NAME', '/workloads/Shop~1Web_1', 'namespace "Shop" is not a DNS-1123 label'),
  ] },
  { file: `${DIR}/13-schema-errors.json`, checks: 'schema: a typo "capacty", a time 25:00, weekly and cron in one window', exit: 1, expected: [
    error('19:7', 'SCHEMA', '/windows/0/capacty', 'unknown property "capacty"'),
    error('24:46', 'SCHEMA', '/windows/1/weekly/from', 'got "25:00"'),
    error('27:5', 'SCHEMA', '/windows/2', 'expected exactly one of "weekly", "cron", "absolute", found "weekly" and "cron"'),
  ] },
  { file: `${DIR}/14-absolute-order-and-bad-date.json`, checks: 'an impossible date in a list, an absolute window ending before it starts', exit: 1, expected: [
    error('6:32', 'DATE', '/dateLists/holidays/1', '"2026-02-30" is not a real date'),
    error('23:55', 'WINDOW_ORDER', '/windows/1/absolute/to', 'window "black-friday" ends (2026-11-27T06:00) before it starts'),
  ] },
  { file: `${DIR}/15-default-missing-replicas.json`, checks: 'the default leaves a declared workload without replicas', exit: 1, expected: [
    error('14:17', 'DEFAULT_MISSING', '/default/replicas', 'no default replicas for workload "shop/search"'),
  ] },
  { file: `${DIR}/16-unknown-group-and-workload.json`, checks: 'a window names an undeclared group and workload (keys with "/" in the pointer)', exit: 1, expected: [
    error('19:21', 'UNKNOWN_GROUP', '/windows/0/capacity/worker', 'unknown node group "worker"'),
    error('20:21', 'UNKNOWN_WORKLOAD', '/windows/0/replicas/shop~1serch', 'unknown workload "shop/serch"'),
  ] },
  { file: `${DIR}/17-key-three-times.json`, checks: 'a property three times in one object: each repeat at its own place', exit: 1, expected: [
    error('17:7', 'DUPLICATE_KEY', '/windows/0/priority', 'property "priority" appears'),
    error('18:7', 'DUPLICATE_KEY', '/windows/0/priority', 'property "priority" appears'),
  ] },
  { file: `${DIR}/does-not-exist.json`, checks: 'a file that does not exist', exit: 1, expected: [
    error('1:1', 'READ', '', 'no such file'),
  ] },
  { file: 'test/fixtures/warnings/overlap-and-unused-date-list.json', checks: 'valid, with an unused date list and a same-priority overlap', exit: 0, expected: [
    warning('6:5', 'UNUSED_DATE_LIST', '/dateLists/holidays', 'date list "holidays" is not used by any window'),
    warning('21:15', 'OVERLAP', '/windows/1/name', /^windows "weeknights" \(\/windows\/0\) and "nightly-maintenance" overlap from .+ and both set capacity\.workers;/),
  ] },
];

type Reported = { file: string; line: number; column: number; severity: string; code: string; pointer: string; message: string; hint: string };

const DIAGNOSTIC_LINE = /^(.+):(\d+):(\d+): (error|warning) (SCALERD_\w+) at (\S+): (.*)$/;

/** Diagnostics from the text output: a `file:line:column: ...` line, then an indented hint line. */
function parseText(stdout: string): Reported[] {
  const lines = stdout.split('\n');
  const reported: Reported[] = [];
  lines.forEach((line, i) => {
    const m = DIAGNOSTIC_LINE.exec(line);
    if (!m) return;
    const hint = /^ {4}hint: (.*)$/.exec(lines[i + 1] ?? '')?.[1] ?? '';
    const [, file, l, c, severity, code, where, message] = m as unknown as string[];
    reported.push({ file: file!, line: Number(l), column: Number(c), severity: severity!, code: code!, pointer: where === '(document)' ? '' : where!, message: message!, hint });
  });
  return reported;
}

/** What a diagnostic of `file` must look like, in text and JSON alike. */
function shapeOf(file: string, e: Expected): Reported {
  const [line, column] = e.at.split(':').map(Number) as [number, number];
  return {
    file, line, column, severity: e.severity, code: e.code, pointer: e.pointer,
    message: typeof e.says === 'string' ? expect.stringContaining(e.says) : expect.stringMatching(e.says),
    hint: expect.stringMatching(/\S/),
  };
}

describe('scalerd validate on broken schedules', () => {
  describe.each(CASES)('$file: $checks', ({ file, exit, expected }) => {
    const errors = expected.filter((e) => e.severity === 'error').length;
    const warnings = expected.length - errors;

    it(`text output: exit ${exit}, exactly the expected diagnostics at the expected line:column`, () => {
      const { status, stdout } = validate(file);
      expect(parseText(stdout)).toEqual(expected.map((e) => shapeOf(file, e)));
      // Nothing else is printed but the per-file summary, which counts the errors too.
      const rest = stdout.split('\n').filter((l) => l !== '' && !DIAGNOSTIC_LINE.test(l) && !l.startsWith('    hint: '));
      const summary = exit === 1
        ? `${file}: invalid, ${errors} error${errors === 1 ? '' : 's'}`
        : `${file}: valid${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`;
      expect(rest).toEqual([summary]);
      expect(status).toBe(exit);
    });

    it(`-o json: exit ${exit}, the same diagnostics with every field`, () => {
      const { status, stdout } = validate('-o', 'json', file);
      const report = JSON.parse(stdout) as { valid: boolean; files: { file: string; valid: boolean; errors: Reported[]; warnings: Reported[] }[] };
      expect(report.valid).toBe(exit === 0);
      expect(report.files).toHaveLength(1);
      const [only] = report.files;
      expect(only).toMatchObject({ file, valid: exit === 0 });
      expect(only!.errors).toHaveLength(errors);
      expect(only!.warnings).toHaveLength(warnings);
      for (const d of [...only!.errors, ...only!.warnings]) {
        expect(Object.keys(d).sort()).toEqual(['code', 'column', 'file', 'hint', 'line', 'message', 'pointer', 'severity']);
      }
      expect([...only!.errors, ...only!.warnings]).toEqual(expected.map((e) => shapeOf(file, e)));
      expect(status).toBe(exit);
    });
  });
});

describe('scalerd validate with several files, or none', () => {
  const valid = 'schedules/example.json';
  const invalid = `${DIR}/08-cron-never-matches.json`;

  it('checks every file, reports each, and exits 1 when one is invalid', () => {
    const { status, stdout } = validate(valid, invalid);
    expect(stdout).toMatch(/^schedules\/example\.json: valid( \(\d+ warnings?\))?$/m);
    expect(stdout).toContain(`${invalid}:14:26: error SCALERD_ERR_SCHEDULE_CRON at /windows/0/cron/start: `);
    expect(stdout).toMatch(new RegExp(`^${invalid}: invalid, 1 error$`, 'm'));
    expect(status).toBe(1);

    const json = validate('-o', 'json', valid, invalid);
    const report = JSON.parse(json.stdout) as { valid: boolean; files: { file: string; valid: boolean; errors: unknown[] }[] };
    expect(report.valid).toBe(false);
    expect(report.files.map((f) => [f.file, f.valid, f.errors.length])).toEqual([[valid, true, 0], [invalid, false, 1]]);
    expect(json.status).toBe(1);
  });

  it('exits 2 with a usage error when no file is given', () => {
    const { status, stdout, stderr } = validate();
    expect(stderr).toContain("missing required argument 'file'");
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });
});
