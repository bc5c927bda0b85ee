// What scalerd refuses to read before parsing: files that are not regular files, documents
// above 1 MiB and nesting deeper than 64 levels; each a diagnostic, never an exception.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, depthProblem, readBoundedFile } from '../../src/json/bounds.js';
import { readDocument } from '../../src/json/document.js';
import { parseJson } from '../../src/json/source-map.js';

const dir = mkdtempSync(join(tmpdir(), 'scalerd-bounds-'));

describe('nesting depth', () => {
  it('is found in one pass, at the bracket that goes one level too deep', () => {
    expect(depthProblem(`${'['.repeat(MAX_DOCUMENT_DEPTH)}${']'.repeat(MAX_DOCUMENT_DEPTH)}`)).toBeUndefined();
    const text = `{"a":${'['.repeat(100_000)}`;
    expect(depthProblem(text)).toMatchObject({ code: 'SCALERD_ERR_INPUT_TOO_DEEP', offset: 5 + MAX_DOCUMENT_DEPTH - 1 });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(depthProblem(JSON.stringify({ description: '['.repeat(1000) + '\\"' + '{'.repeat(1000) }))).toBeUndefined();
  });

  it('parseJson reports 2,000 and 100,000 levels as a located problem instead of overflowing the stack', () => {
    for (const depth of [2_000, 100_000]) {
      const parsed = parseJson(`{"version": 1,\n "description": ${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect(parsed).toMatchObject({ ok: false, problems: [{ code: 'SCALERD_ERR_INPUT_TOO_DEEP', position: { line: 2, column: 17 + MAX_DOCUMENT_DEPTH - 1 } }] });
    }
  });

  it('parseJson refuses text above 1 MiB', () => {
    expect(parseJson(`"${'x'.repeat(MAX_DOCUMENT_BYTES)}"`)).toMatchObject({ ok: false, problems: [{ code: 'SCALERD_ERR_INPUT_TOO_LARGE' }] });
  });
});

describe('reading a file', () => {
  it('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'schedule.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await readBoundedFile(fifo)).toMatchObject({ ok: false, problem: { code: 'SCALERD_ERR_INPUT_NOT_A_FILE', message: expect.stringContaining('FIFO') } });
  });

  it('refuses /dev/zero and a directory without reading them', async () => {
    expect(await readBoundedFile('/dev/zero')).toMatchObject({ ok: false, problem: { code: 'SCALERD_ERR_INPUT_NOT_A_FILE', message: expect.stringContaining('character device') } });
    expect(await readBoundedFile(dir)).toMatchObject({ ok: false, problem: { code: 'SCALERD_ERR_INPUT_NOT_A_FILE', message: expect.stringContaining('directory') } });
  });

  it('reads a file of exactly 1 MiB and refuses one byte more', async () => {
    const exact = join(dir, 'exact.json');
    writeFileSync(exact, `"${'x'.repeat(MAX_DOCUMENT_BYTES - 2)}"`);
    expect(await readBoundedFile(exact)).toMatchObject({ ok: true });
    const over = join(dir, 'over.json');
    writeFileSync(over, `"${'x'.repeat(MAX_DOCUMENT_BYTES - 1)}"`);
    expect(await readBoundedFile(over)).toMatchObject({ ok: false, problem: { code: 'SCALERD_ERR_INPUT_TOO_LARGE', message: expect.stringContaining(`${MAX_DOCUMENT_BYTES + 1} bytes`) } });
  });

  it('readDocument turns each refusal into a diagnostic at 1:1, and a missing file into the caller\'s code', async () => {
    expect(await readDocument('/dev/zero', 'SCALERD_ERR_SCHEDULE_READ', 'h')).toMatchObject({ ok: false, diagnostic: { code: 'SCALERD_ERR_INPUT_NOT_A_FILE', file: '/dev/zero', line: 1, column: 1 } });
    expect(await readDocument(join(dir, 'missing.json'), 'SCALERD_ERR_SCHEDULE_READ', 'h')).toMatchObject({ ok: false, diagnostic: { code: 'SCALERD_ERR_SCHEDULE_READ', message: 'cannot read the file: no such file' } });
  });
});
