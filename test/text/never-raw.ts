// What must never reach a terminal raw, written out by hand (not terminalSafe's own
// pattern): the characters issue 12 names, and the invisible ones worth catching.

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const NEVER_RAW: ReadonlySet<number> = new Set([
  ...range(0x00, 0x1f), 0x7f, ...range(0x80, 0x9f), // C0 (NUL, TAB, LF, CR, ESC…), DEL, C1 (CSI U+009B…)
  ...range(0x202a, 0x202e), ...range(0x2066, 0x2069), 0x200e, 0x200f, 0x061c, // bidi controls
  ...range(0x200b, 0x200d), 0x2060, 0xfeff, 0x00ad, 0x180e, 0x034f, 0x3164, 0x115f, 0x1160, 0xffa0, // zero-width, invisible
  ...range(0xfff9, 0xfffb), // interlinear annotation: hides the text between
  0x2028, 0x2029, // line and paragraph separators
  ...range(0xd800, 0xdfff), // lone surrogates
  ...range(0xe0000, 0xe007f), // tag characters
]);

/**
 * The characters of `output` that must not be there raw, as "U+001B at 12"; LF is allowed
 * unless `newlines` is false (it separates the lines of multi-line output).
 */
export function rawControls(output: string, newlines = true): string[] {
  const found: string[] = [];
  let at = 0;
  for (const char of output) {
    const code = char.codePointAt(0)!;
    if (NEVER_RAW.has(code) && !(newlines && code === 0x0a)) found.push(`U+${code.toString(16).padStart(4, '0')} at ${at}`);
    at += char.length;
  }
  return found;
}
