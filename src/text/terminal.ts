// Text a user or the cluster supplied (an override's reason, a window's name, a node's
// name, an API's answer), made safe to print on a terminal. Raw, such text could move the
// cursor or recolour the screen (ESC, CSI), end a line or rewrite it (LF, CR) to forge
// output, reorder what is shown (bidi overrides, the "Trojan Source" trick), or hide in
// plain sight (zero-width and other invisible characters). Each such character is shown
// as an escape instead, in JavaScript's notation so it reads unambiguously: `\n`, `\x1b`,
// `\u202e`, `\u{e0041}`. Everything else is left alone (accents, CJK, emoji, and
// backslashes: so text without such characters prints exactly as it is, and escaping
// twice changes nothing).
//
// Escape at the terminal boundary only, field by field before joining lines and columns,
// so the structure around the text stays the caller's: data, JSON output and JSON logs
// keep the exact text.

/**
 * What is escaped: controls (C0 with NUL, ESC, TAB, CR and LF; DEL; C1, U+0080–U+009F),
 * format characters (bidi controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C;
 * zero-width U+200B–U+200D; U+FEFF; soft hyphen; tag characters; interlinear annotation
 * U+FFF9–U+FFFB, which hides the text it spans), the line and paragraph
 * separators U+2028 and U+2029, lone surrogates, and the other default-ignorable
 * characters a terminal draws as nothing (Hangul fillers, U+034F). Variation selectors are
 * kept: they choose how an emoji or an ideograph looks (❤️ is U+2764 U+FE0F), and show
 * nothing of their own. The zero-width joiner is escaped although emoji sequences use it
 * (👩‍💻 prints as 👩\u200d💻): it hides as well in a name as in an emoji.
 */
const UNSAFE = /(?!\p{Variation_Selector})[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/gu;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The text with every character a terminal would act on, or draw as nothing, shown as an escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Lines of output, each made safe to print, then joined: a newline inside a line stays an escape. */
export function terminalLines(lines: readonly string[]): string {
  return lines.map(terminalSafe).join('\n');
}

/**
 * An error's stack (or Node's inspection of the error) for a terminal: its lines stay
 * lines, but the message in it is escaped whole, newlines too, since it may quote a file
 * or an API's answer and forge lines of its own.
 */
export function terminalStack(stack: string, message: string): string {
  return terminalLines((message === '' ? stack : stack.replace(message, () => terminalSafe(message))).split('\n'));
}

function escape(char: string): string {
  const short = SHORT[char];
  if (short !== undefined) return short;
  const code = char.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}
