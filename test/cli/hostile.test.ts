// Hostile schedules through the built CLI, as a user (or an attacker with write access to
// the schedule's repository) would give them: every one ends in a diagnostic and an exit
// code, none in an exception, a hang or a terminal taken over. Their time and memory are
// measured by `npm run bench -- schedule-hostile`, not here.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileSchedules } from '../fixtures/hostile/make.js';
import { rawControls } from '../text/never-raw.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { dir, files } = hostileSchedules();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  // A bound on the wait, so that a hang fails the test instead of the run (the FIFO once hung).
  const run = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, signal: run.signal, out: run.stdout, err: run.stderr, all: run.stdout + run.stderr };
}


describe('scalerd validate on hostile schedules', () => {
  it.each([
    ['depth-2000', 'SCALERD_ERR_INPUT_TOO_DEEP', ':1:91: error'], // the 64th '[' is the 65th level, inside the outer {
    ['depth-100000', 'SCALERD_ERR_INPUT_TOO_DEEP', ':1:91: error'],
    ['size-10MB', 'SCALERD_ERR_INPUT_TOO_LARGE', 'the document is 10485760 bytes, above the limit of 1048576 bytes'],
    ['overlap-100000', 'SCALERD_ERR_INPUT_TOO_LARGE', 'above the limit of 1048576 bytes'],
    ['fifo', 'SCALERD_ERR_INPUT_NOT_A_FILE', 'FIFO (named pipe), not a regular file'],
    ['dev-zero', 'SCALERD_ERR_INPUT_NOT_A_FILE', 'character device, not a regular file'],
    ['prototype-refused', 'SCALERD_ERR_SCHEDULE_SCHEMA', 'invalid name "__proto__"'],
  ])('%s: exit 1, %s', (name, code, says) => {
    const run = cli('validate', files[name]!);
    expect(run.signal).toBeNull();
    expect(run.status, run.all).toBe(1);
    expect(run.out).toContain(code);
    expect(run.out).toContain(says);
    expect(run.err).not.toMatch(/RangeError|at .*\.js:\d+/);
  });

  it('a schedule of exactly 1 MiB is read and checked', () => {
    const run = cli('validate', files['size-1MiB']!);
    expect(run.status, run.all).toBe(0);
  });

  it('10,000 windows that all overlap: one warning per losing window, 50 listed and the rest counted; --strict fails', () => {
    const run = cli('validate', files['overlap-10000']!);
    expect(run.status, run.all).toBe(0);
    expect(run.out.match(/warning SCALERD_WARN_SCHEDULE_OVERLAP at \/windows\/\d+\/name/g)).toHaveLength(50);
    expect(run.out).toContain('… and 9949 more warnings SCALERD_WARN_SCHEDULE_OVERLAP (only the first 50 are listed)');
    expect(run.out).toContain(`${files['overlap-10000']}: valid (51 warnings)`);
    expect(cli('validate', '--strict', files['overlap-10000']!).status).toBe(1);
  });

  it('prototype names in every keyed position validate, and plan to numbers', () => {
    expect(cli('validate', files['prototype-names']!)).toMatchObject({ status: 0 });
    const plan = cli('plan', files['prototype-names']!, '--at', '2026-12-07T21:00', '-o', 'json');
    expect(plan.status, plan.all).toBe(0);
    expect((JSON.parse(plan.out) as { state: unknown }).state).toEqual({
      capacity: { constructor: 4, toString: 5, valueOf: 10, hasOwnProperty: 10, isPrototypeOf: 10, propertyIsEnumerable: 10, toLocaleString: 10 },
      replicas: { 'constructor/tostring': 3, 'valueof/hasownproperty': 2 },
    });
  });

  it('control characters in names: refused, and shown escaped, never raw', () => {
    const run = cli('validate', files['control-characters']!);
    expect(run.status, run.all).toBe(1);
    expect(rawControls(run.all)).toEqual([]);
    expect(run.out).toContain('invalid name "work\\x1b[31mers\\u202e"');
    const json = cli('validate', '-o', 'json', files['control-characters']!);
    // JSON keeps the name exact: ESC as JSON's escape, U+202E as itself.
    expect(JSON.parse(json.out).files[0].errors.map((d: { message: string }) => d.message)).toContainEqual(expect.stringContaining('invalid name "work\u001b[31mers\u202e"'));
  });
});

describe('scalerd plan on large schedules over long ranges', () => {
  const write = (name: string, document: unknown) => {
    const file = `${dir}/${name}.json`;
    writeFileSync(file, JSON.stringify(document));
    return file;
  };
  const base = { version: 1, timezone: 'Europe/Amsterdam', nodeGroups: { w: { min: 0, max: 9 } }, default: { capacity: { w: 1 } } };

  it('a range that would take more than 2,000,000 occurrences is refused, with the way out', () => {
    const windows = Array.from({ length: 2_000 }, (_, i) => ({ name: `w${i}`, weekly: { days: 'Mon-Sun', from: '01:00', to: '02:00' }, capacity: { w: 2 } }));
    const run = cli('plan', write('many-weekly', { ...base, windows }), '--from', '2027-01-01', '--days', '3660');
    expect(run.status, run.all).toBe(2);
    expect(run.err).toMatch(/a timeline of 3660 days of this schedule would take about \d+ window occurrences, more than 2000000: give a shorter range with --days or --to/);
  });

  it('a long timeline streams: a year of a change every 15 minutes in a 16 MB heap, through a pipe', () => {
    const windows = [{ name: 'flip', cron: { start: '0,30 * * * *', duration: '15m' }, capacity: { w: 2 } }];
    const file = write('flip', { ...base, windows });
    // Holding the changes (or the output, waiting for a slow pipe) needs more than this heap:
    // the version that kept 10,000 changes before printing them ran out of it.
    const run = spawnSync(process.execPath, ['--max-old-space-size=16', 'dist/cli/main.js', 'plan', file, '--from', '2027-01-01', '--days', '366', '-o', 'json'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { transitions: { at: string }[] };
    // 366 days from 2027-01-01 00:00 +01:00 are 8,784 real hours; the repeated hour of
    // 31 October starts nothing (a time that happens twice starts once): four changes in
    // each of 8,783 hours, less the one at --from (the state at the start).
    const changes = 4 * 8_783 - 1;
    expect(json.transitions).toHaveLength(changes);
    expect(json.transitions.at(-1)!.at).toBe('2028-01-01T22:45:00Z');
    const text = spawnSync(process.execPath, ['--max-old-space-size=16', 'dist/cli/main.js', 'plan', file, '--from', '2027-01-01', '--days', '366'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`: ${changes} changes from Fri 2027-01-01 00:00 \\+01:00 to Sun 2028-01-02 00:00 \\+01:00`));
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(changes + 4); // title, blank line, header, the start
  });
});

describe('scalerd run on a hostile schedule: exit 1 with its diagnostic before it connects anywhere', () => {
  // A kubeconfig and region that would do, for an API server that is not there: the
  // schedule must be refused before either is used.
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'current-context: c', 'clusters: [{name: k, cluster: {server: "http://127.0.0.1:9"}}]',
    'users: [{name: u, user: {token: t}}]', 'contexts: [{name: c, context: {cluster: k, user: u}}]', ''].join('\n'));
  it.each(['depth-100000', 'fifo', 'dev-zero', 'size-10MB'])('%s', (name) => {
    const run = cli('run', '--schedule', files[name]!, '--kubeconfig', kubeconfig, '--aws-region', 'eu-west-1', '--listen', '127.0.0.1:0');
    expect(run.signal).toBeNull();
    expect(run.status, run.all).toBe(1);
    expect(run.err).toMatch(/SCALERD_ERR_INPUT_/);
  });
});
