// The examples in README.md and docs/*.md that are marked runnable (a fenced block whose
// info string has `runnable`, e.g. ```console runnable) work as written after `npm ci`.
// A block runs as one bash session in the repository, as a reader would type it (so
// `npx scalerd …` is what they type, and a variable set on one line is there on the next):
// each `$ ` line must exit 0, and the lines under it must be what it prints, stdout and
// stderr together as a terminal shows them. A line `…` stands for any number of lines, a
// `…` inside a line for any text.
//
// A block marked `runnable sim` runs beside `scalerd sim --speed 10`, with the export line
// that the simulator prints run first, as the README tells the reader to paste it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILES = ['README.md', ...readdirSync(new URL('docs/', `file://${ROOT}`)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

type Example = { line: number; command: string; expected: string[] };
type Block = { file: string; line: number; sim: boolean; examples: Example[] };

/** The runnable blocks of a Markdown text: their commands, with the output shown under each. */
export function runnableBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let block: Block | undefined;
  let inBlock = false;
  let indent = 0; // a block in a list item is indented like its fence
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trimStart().startsWith('```')) {
      if (inBlock) {
        inBlock = false;
        if (block) blocks.push(block);
        block = undefined;
      } else {
        inBlock = true;
        block = /\brunnable\b/.test(raw) ? { file, line: i + 1, sim: /\brunnable sim\b/.test(raw), examples: [] } : undefined;
        indent = raw.length - raw.trimStart().length;
      }
      continue;
    }
    if (!block) continue;
    const line = raw.slice(Math.min(indent, raw.length - raw.trimStart().length));
    if (line.startsWith('$ ')) block.examples.push({ line: i + 1, command: line.slice(2), expected: [] });
    else block.examples.at(-1)?.expected.push(line);
  }
  return blocks;
}

/** Whether a shown line stands for a printed one: `…` inside it matches any text. */
function lineMatches(shown: string, printed: string): boolean {
  if (!shown.includes('…')) return shown === printed;
  const pattern = shown.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(printed);
}

/** Whether `actual` lines are the `expected` ones, a `…` line matching any run of lines (also none). */
export function matchesShown(expected: readonly string[], actual: readonly string[]): boolean {
  const trim = (s: string) => s.trimEnd();
  const go = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (trim(expected[e]!) === '…') {
      for (let k = a; k <= actual.length; k++) if (go(e + 1, k)) return true;
      return false;
    }
    return a < actual.length && lineMatches(trim(expected[e]!), trim(actual[a]!)) && go(e + 1, a + 1);
  };
  return go(0, 0);
}

/** `scalerd sim --speed 10` in the background, and the export line it prints for another shell. */
async function startSimulator(): Promise<{ exportLine: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'sim', '--speed', '10'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  while (!out.includes('Press Ctrl-C')) {
    if (child.exitCode !== null) throw new Error(`scalerd sim exited: ${out}`);
    await delay(50);
  }
  return {
    exportLine: /^ {2}(export .*)$/m.exec(out)![1]!,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** Runs the block's commands in one bash, each one's output (stdout and stderr) in a file of its own. */
function runBlock(block: Block, prelude: string): { outputs: string[]; failed?: { index: number; status: number } } {
  const dir = mkdtempSync(join(tmpdir(), 'scalerd-doc-example-'));
  try {
    const script = ['set -e', prelude, ...block.examples.flatMap((e, i) => [`exec >'${dir}/${i}' 2>&1`, e.command])].join('\n');
    let failed: { index: number; status: number } | undefined;
    try {
      execFileSync('bash', ['-c', script], { cwd: ROOT, timeout: 150_000, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
    } catch (error) {
      const ran = block.examples.filter((_, i) => existsSync(`${dir}/${i}`)).length;
      failed = { index: ran - 1, status: (error as { status?: number }).status ?? -1 };
    }
    const outputs = block.examples.map((_, i) => (existsSync(`${dir}/${i}`) ? readFileSync(`${dir}/${i}`, 'utf8') : ''));
    return failed ? { outputs, failed } : { outputs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('runnable examples in the documentation', () => {
  const blocks = FILES.flatMap((file) => runnableBlocks(file, readFileSync(`${ROOT}/${file}`, 'utf8')));

  it('there are some, one beside the simulator, and the matcher can fail', () => {
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.some((b) => b.sim)).toBe(true);
    expect(matchesShown(['a', '…', 'd'], ['a', 'b', 'c', 'd'])).toBe(true);
    expect(matchesShown(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(matchesShown(['a'], ['a', 'b'])).toBe(false);
    expect(matchesShown(['id … set: x=1'], ['id 4f2a set: x=1'])).toBe(true);
    expect(matchesShown(['id … set: x=1'], ['id 4f2a set: x=2'])).toBe(false);
    expect(matchesShown(['a.b'], ['axb'])).toBe(false);
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}${b.sim ? ' (beside the simulator)' : ''}: ${b.examples.map((e) => e.command.split(' ').slice(0, 3).join(' ')).join('; ')}`, b] as const))('%s', async (_, block) => {
    const sim = block.sim ? await startSimulator() : undefined;
    try {
      const { outputs, failed } = runBlock(block, sim?.exportLine ?? '');
      block.examples.forEach((example, i) => {
        const where = `${block.file}:${example.line}: $ ${example.command}`;
        expect(failed?.index === i ? `exit ${failed.status}` : 'exit 0', `${where}\nprinted:\n${outputs[i]}`).toBe('exit 0');
        if (failed && i > failed.index) return;
        const actual = outputs[i]!.replace(/\n$/, '').split('\n');
        const expected = example.expected.length > 0 && example.expected.at(-1) === '' ? example.expected.slice(0, -1) : example.expected;
        if (expected.length > 0) expect(matchesShown(expected, actual), `${where}\nprinted:\n${outputs[i]}`).toBe(true);
      });
    } finally {
      await sim?.stop();
    }
  }, 240_000);
});
