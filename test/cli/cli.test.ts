import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { utc } from '../helpers.js';

const EXAMPLE = 'schedules/example.json';

/** In-process, with the clock fixed at Wednesday 2026-11-25 12:00 in Amsterdam. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), clock: { now: () => utc('2026-11-25T11:00Z') } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The built binary, as users run it. */
function bin(...argv: string[]) {
  const r = spawnSync(process.execPath, ['dist/cli/main.js', ...argv], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('scalerd (built binary)', () => {
  it('--help lists every command with a one-line description', () => {
    const r = bin('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/validate \[options\] <file\.\.\.>\s+check schedule files/);
    expect(r.out).toMatch(/plan \[options\] <file>\s+preview a schedule/);
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(bin('--version')).toMatchObject({ code: 0, out: `${version}\n` });
  });

  it('usage errors exit 2', () => {
    expect(bin('frobnicate').code).toBe(2);
    expect(bin('validate').code).toBe(2);
    expect(bin('plan', EXAMPLE, '--bogus').code).toBe(2);
    expect(bin('validate', EXAMPLE, '-o', 'yaml')).toMatchObject({ code: 2, err: expect.stringContaining('use text or json') });
  });

  it('a reader closing stdout early (| head) is not a crash', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'plan', EXAMPLE, '--days', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(err).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('validate takes schedules/*.json and schedules/ as written in CI: the JSON Schema beside them is skipped, saying so', () => {
    for (const args of [['schedules/'], ['schedules/example.json', 'schedules/schedule.schema.json']]) {
      const r = bin('validate', ...args);
      expect(r, r.err).toMatchObject({ code: 0, out: expect.stringContaining('schedules/example.json: valid') });
      expect(r.err).toContain('schedules/schedule.schema.json: skipped, a JSON Schema');
      expect(r.out).not.toContain('schema.json');
    }
  });

  it('validate exits 0 on the example and 1 on a broken file', () => {
    expect(bin('validate', EXAMPLE)).toMatchObject({ code: 0, out: `${EXAMPLE}: valid\n` });
    const dir = mkdtempSync(join(tmpdir(), 'scalerd-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "version": 1,\n  "timezone": "Europe/Amsterdam"\n  "nodeGroups": {}\n}\n');
    const r = bin('validate', broken);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${broken}:4:3: error SCALERD_ERR_SCHEDULE_JSON`);
  });
});

describe('scalerd plan', () => {
  it('prints the timeline as a table with local time, UTC, capacity, replicas and the window', async () => {
    const r = await cli('plan', EXAMPLE, '--from', '2026-11-26T00:00', '--days', '2');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`${EXAMPLE}: 3 changes from Thu 2026-11-26 00:00 +01:00 to Sat 2026-11-28 00:00 +01:00`);
    expect(lines[2]).toMatch(/^LOCAL \(Europe\/Amsterdam\)\s+UTC\s+workers\s+REPLICAS\s+WHY$/);
    expect(lines[3]).toMatch(/^Thu 2026-11-26 00:00 \+01:00\s+2026-11-25T23:00Z\s+6\s+shop\/web=3 shop\/search=2\s+\(start\) weeknights$/);
    expect(lines[4]).toMatch(/^Thu 2026-11-26 07:00 \+01:00\s+2026-11-26T06:00Z\s+6→12\s+shop\/web 3→6, shop\/search 2→3\s+default — weeknights ends$/);
    expect(lines[5]).toMatch(/^Thu 2026-11-26 20:00 \+01:00\s+2026-11-26T19:00Z\s+12→6/);
    expect(lines[6]).toMatch(/^Fri 2026-11-27 06:00 \+01:00\s+2026-11-27T05:00Z\s+6→24\s+shop\/web 3→12, shop\/search 2→4\s+black-friday — black-friday starts$/);
    expect(lines).toHaveLength(7);
  });

  it('defaults to seven days from now', async () => {
    const r = await cli('plan', EXAMPLE);
    expect(r.out.split('\n')[0]).toBe(`${EXAMPLE}: 9 changes from Wed 2026-11-25 12:00 +01:00 to Wed 2026-12-02 12:00 +01:00`);
  });

  it('-o json gives the same timeline as data', async () => {
    const r = await cli('plan', EXAMPLE, '--from', '2026-11-27T00:00Z', '--to', '2026-11-28T00:00Z', '-o', 'json');
    const plan = JSON.parse(r.out);
    expect(plan).toMatchObject({ timezone: 'Europe/Amsterdam', from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' });
    expect(plan.initial.state).toEqual({ capacity: { workers: 6 }, replicas: { 'shop/web': 3, 'shop/search': 2 } });
    expect(plan.transitions).toHaveLength(1);
    expect(plan.transitions[0]).toMatchObject({
      at: '2026-11-27T05:00:00Z',
      local: 'Fri 2026-11-27 06:00 +01:00',
      started: ['black-friday'],
      state: { capacity: { workers: 24 } },
      sources: { capacity: { workers: { kind: 'window', window: 'black-friday', class: 'absolute', end: '2026-11-30T08:00:00Z' } } },
    });
    expect(plan.transitions[0].changes).toContainEqual({ section: 'capacity', key: 'workers', from: 6, to: 24 });
  });

  it('--at prints the state at one instant with the window behind each value, and the next change', async () => {
    const r = await cli('plan', EXAMPLE, '--at', '2026-12-25T12:00');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Desired state at Fri 2026-12-25 12:00 +01:00 (2026-12-25T11:00Z), Europe/Amsterdam:');
    expect(r.out).toMatch(/capacity\s+workers\s+3\s+weekends \(date list\), until Sat 2026-12-26 00:00 \+01:00/);
    expect(r.out).toContain('Next change: Mon 2026-12-28 00:00 +01:00 (2026-12-27T23:00Z): workers 3→6, shop/web 2→3, shop/search 1→2');
  });

  it('rejects times it cannot read and conflicting options with exit 2', async () => {
    expect(await cli('plan', EXAMPLE, '--at', 'tomorrowish')).toMatchObject({ code: 2, err: expect.stringContaining('SCALERD_ERR_CLI_TIME') });
    expect(await cli('plan', EXAMPLE, '--to', '2026-12-01', '--days', '3')).toMatchObject({ code: 2, err: expect.stringContaining('not both') });
    expect(await cli('plan', EXAMPLE, '--from', '2026-12-01', '--to', '2026-11-01')).toMatchObject({ code: 2 });
    expect(await cli('plan', EXAMPLE, '--days', '0')).toMatchObject({ code: 2 });
  });

  it('an invalid schedule gives its diagnostics and exit 1', async () => {
    const r = await cli('plan', 'test/does-not-exist.json');
    expect(r.code).toBe(1);
    expect(r.err).toContain('SCALERD_ERR_SCHEDULE_READ');
  });
});

describe('scalerd validate', () => {
  it('-o json reports validity per file', async () => {
    const r = await cli('validate', EXAMPLE, '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ valid: true, files: [{ file: EXAMPLE, valid: true, errors: [], warnings: [] }] });
  });

  it('--strict fails on warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scalerd-'));
    const file = join(dir, 'warn.json');
    const schedule = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    schedule.dateLists.unused = ['2027-01-01'];
    writeFileSync(file, JSON.stringify(schedule, null, 2));
    expect((await cli('validate', file)).code).toBe(0);
    const strict = await cli('validate', '--strict', file);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('SCALERD_WARN_SCHEDULE_UNUSED_DATE_LIST at /dateLists/unused');
  });
});
