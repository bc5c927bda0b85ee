// The examples in README.md and docs/*.md that are marked runnable (a fenced block whose
// info string has `runnable`, e.g. ```console runnable) work as written after `npm ci`:
// each `$ ` line is run by bash in the repository (so `npx scalerd …` is what a reader
// types), must exit 0, and the lines under it must be what it prints (a line `…` stands
// for any number of lines). A reader copies these; a test keeps them true.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILES = ['README.md', ...readdirSync(new URL('docs/', `file://${ROOT}`)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

type Example = { file: string; line: number; command: string; expected: string[] };

/** The commands of the runnable blocks of a Markdown text, with the output shown under each. */
export function runnableExamples(file: string, text: string): Example[] {
  const examples: Example[] = [];
  const lines = text.split('\n');
  let inRunnable = false;
  let inBlock = false;
  let indent = 0; // a block in a list item is indented like its fence
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trimStart().startsWith('```')) {
      if (inBlock) inBlock = inRunnable = false;
      else {
        inBlock = true;
        inRunnable = /\brunnable\b/.test(raw);
        indent = raw.length - raw.trimStart().length;
      }
      continue;
    }
    const line = raw.slice(Math.min(indent, raw.length - raw.trimStart().length));
    if (!inRunnable) continue;
    if (line.startsWith('$ ')) examples.push({ file, line: i + 1, command: line.slice(2), expected: [] });
    else examples.at(-1)?.expected.push(line);
  }
  return examples;
}

/** Whether `actual` lines are the `expected` ones, `…` matching any run of lines (also none). */
export function matchesShown(expected: readonly string[], actual: readonly string[]): boolean {
  const trim = (s: string) => s.trimEnd();
  const go = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (trim(expected[e]!) === '…') {
      for (let k = a; k <= actual.length; k++) if (go(e + 1, k)) return true;
      return false;
    }
    return a < actual.length && trim(expected[e]!) === trim(actual[a]!) && go(e + 1, a + 1);
  };
  return go(0, 0);
}

describe('runnable examples in the documentation', () => {
  const examples = FILES.flatMap((file) => runnableExamples(file, readFileSync(`${ROOT}/${file}`, 'utf8')));

  it('there are some, and the matcher can fail', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(matchesShown(['a', '…', 'd'], ['a', 'b', 'c', 'd'])).toBe(true);
    expect(matchesShown(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(matchesShown(['a'], ['a', 'b'])).toBe(false);
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}: ${e.command}`, e] as const))('%s', (_, example) => {
    const out = execFileSync('bash', ['-c', example.command], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    const actual = out.replace(/\n$/, '').split('\n');
    const expected = example.expected.length > 0 && example.expected.at(-1) === '' ? example.expected.slice(0, -1) : example.expected;
    if (expected.length > 0) expect(matchesShown(expected, actual), `printed:\n${out}`).toBe(true);
  });
});
