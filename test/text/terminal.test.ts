// terminalSafe: what must never reach a terminal raw, checked against a list written out
// by hand (never-raw.ts, not the module's own pattern), and what must reach it unchanged.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalLines, terminalSafe, terminalStack } from '../../src/text/terminal.js';
import { NEVER_RAW, rawControls } from './never-raw.js';

const hostile = fc.constantFrom(...[...NEVER_RAW].map((c) => String.fromCodePoint(c)));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Any text, dense with the characters above. */
const anyText = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), hostile, loneSurrogate, fc.constantFrom('\\', 'x', 'u', '{')), maxLength: 40 });

/** Ordinary text: ASCII, Latin, combining accents, CJK, Hangul, emoji with modifiers and VS16. */
const ordinaryUnit = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0xa0, max: 0x24f }).filter((c) => c !== 0xad),
  fc.integer({ min: 0x300, max: 0x36f }).filter((c) => c !== 0x34f),
  fc.integer({ min: 0x4e00, max: 0x9fff }),
  fc.integer({ min: 0xac00, max: 0xd7a3 }),
  fc.integer({ min: 0x1f300, max: 0x1faff }),
  fc.constantFrom(0xfe0f, 0x3000, 0x20ac),
).map((c) => String.fromCodePoint(c));


/** The escapes back to the characters: possible only if the escaped form is unambiguous. */
const unescape = (text: string): string =>
  text.replace(/\\(?:([nrt])|x([0-9a-f]{2})|u\{([0-9a-f]+)\}|u([0-9a-f]{4}))/g, (_, short: string | undefined, x, braces, u) =>
    short !== undefined ? ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[short]! : String.fromCodePoint(parseInt((x ?? braces ?? u) as string, 16)));

describe('terminalSafe', () => {
  it('shows each dangerous character as an escape', () => {
    expect(terminalSafe('line\nforged\r\tcell')).toBe('line\\nforged\\r\\tcell');
    expect(terminalSafe('\x1b[31mred\x1b[0m \x00 \x7f \u009b2J')).toBe('\\x1b[31mred\\x1b[0m \\x00 \\x7f \\x9b2J');
    expect(terminalSafe('abc\u202edcba\u2066x\u2069\u200f\u061c')).toBe('abc\\u202edcba\\u2066x\\u2069\\u200f\\u061c');
    expect(terminalSafe('al\u200bice\ufeff\u2028\u2029\u3164')).toBe('al\\u200bice\\ufeff\\u2028\\u2029\\u3164');
    expect(terminalSafe('\ud800 \u{e0041}')).toBe('\\ud800 \\u{e0041}');
  });

  it('leaves ordinary text alone, backslashes too', () => {
    for (const text of ['load test', 'Bürgerstraße café', '黑色星期五 促销', '🚀 launch ❤️ 👍🏽', 'C:\\schedules\\n.json', 'a\u0301']) {
      expect(terminalSafe(text)).toBe(text);
    }
  });

  it('never lets a dangerous character through', () => {
    fc.assert(fc.property(anyText, (text) => {
      expect(rawControls(terminalSafe(text), false)).toEqual([]);
    }), { numRuns: 2000 });
  });

  it('changes nothing in ordinary text', () => {
    fc.assert(fc.property(fc.string({ unit: ordinaryUnit, maxLength: 40 }), (text) => {
      expect(terminalSafe(text)).toBe(text);
    }), { numRuns: 2000 });
  });

  it('is unambiguous: the escapes read back to the text (without backslashes of its own)', () => {
    fc.assert(fc.property(anyText.map((t) => t.replace(/\\/g, '')), (text) => {
      expect(unescape(terminalSafe(text))).toBe(text);
    }), { numRuns: 2000 });
  });

  it('terminalLines keeps the lines apart and escapes within them', () => {
    expect(terminalLines(['reason a\nb', '  by \x1b[2Jeve'])).toBe('reason a\\nb\n  by \\x1b[2Jeve');
  });

  it('terminalStack keeps a stack\'s lines, and its message on one line', () => {
    const error = new Error('quoted: \x1b[2J\nerror SCALERD_ERR_FAKE: forged');
    const lines = terminalStack(error.stack!, error.message).split('\n');
    expect(lines[0]).toBe('Error: quoted: \\x1b[2J\\nerror SCALERD_ERR_FAKE: forged');
    expect(lines.slice(1).every((line) => line.startsWith('    at '))).toBe(true);
    expect(rawControls(lines.join('\n'))).toEqual([]);
  });

  it('escaping twice is escaping once', () => {
    fc.assert(fc.property(anyText, (text) => {
      expect(terminalSafe(terminalSafe(text))).toBe(terminalSafe(text));
    }), { numRuns: 1000 });
  });
});
