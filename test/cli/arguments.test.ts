// Every duration flag reads one grammar and has its own range; numbers have theirs. A
// value out of range is a usage error naming the flag (exit 2), never an exception later.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DURATION_RANGES, describeDuration, durationArg, positiveNumberArg, wholeNumberArg } from '../../src/cli/arguments.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });

describe('durations', () => {
  const resync = durationArg(DURATION_RANGES.resync);
  it.each([['60s', 60_000], ['5m', 300_000], ['1h30m', 5_400_000], ['1d', 86_400_000], ['1m30s', 90_000]])('%s is %d ms', (text, ms) => {
    expect(resync(text)).toBe(ms);
  });

  it.each(['', '0s', '1.5h', '3 hours', '-5m', '1h1d', '10000000000s', '2d'])('refuses %j for --resync (1s to 1d)', (text) => {
    expect(() => resync(text)).toThrow(/from 1s to 1d/);
  });

  it('seconds for --timeout, which once needed minutes', () => {
    expect(durationArg(DURATION_RANGES.drainTimeout)('20s')).toBe(20_000);
  });

  it('describes what it read back in the same grammar', () => {
    expect(describeDuration(99_999_999 * 86_400_000)).toBe('99999999d');
    expect(describeDuration(90_061_000)).toBe('1d1h1m1s');
  });
});

describe('numbers', () => {
  it('whole numbers within their range, no signs, exponents or decimals', () => {
    const n = wholeNumberArg(1, 1000);
    expect(n('1000')).toBe(1000);
    for (const text of ['0', '1001', '1e3', '+5', '2.0', ' 5', '', '9'.repeat(20)]) expect(() => n(text)).toThrow('expected a whole number from 1 to 1000');
  });

  it('positive numbers up to their maximum', () => {
    const n = positiveNumberArg(10_000);
    expect(n('0.5')).toBe(0.5);
    for (const text of ['0', '10001', 'Infinity', 'NaN', '1e308', '-1']) expect(() => n(text)).toThrow('expected a number above 0 and at most 10000');
  });
});

describe('through the CLI: exit 2 and the flag named', () => {
  it.each([
    [['run', '--schedule', 'schedules/example.json', '--resync', '0s'], /option '--resync <duration>' argument '0s' is invalid/],
    [['run', '--schedule', 'schedules/example.json', '--resync', '2d'], /option '--resync <duration>' argument '2d' is invalid. 2d is outside the range from 1s to 1d/],
    [['run', '--schedule', 'schedules/example.json', '--qps', '1e308'], /option '--qps <n>' argument '1e308' is invalid/],
    [['scale', '--schedule', 'schedules/example.json', '--group', 'workers', '--capacity', '1e308'], /option '--capacity <n>' argument '1e308' is invalid. expected a whole number from 0 to 10000/],
    [['scale', '--schedule', 'schedules/example.json', '--group', 'workers', '--capacity', '3', '--timeout', '8d'], /option '--timeout <duration>' argument '8d' is invalid/],
    [['plan', 'schedules/example.json', '--days', '99999'], /option '--days <n>' argument '99999' is invalid/],
    [['sim', '--nodes', '99999999'], /option '--nodes <n>' argument '99999999' is invalid. expected a whole number from 1 to 10000/],
  ])('%j', (args, message) => {
    const run = cli(...args);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
