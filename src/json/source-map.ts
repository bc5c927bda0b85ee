// Strict JSON parsing that remembers where every value and key is in the text, so that
// diagnostics can point at line:column. jsonc-parser gives the syntax tree with offsets;
// JSON.parse stays the judge of what is valid JSON.

import { type Node, type ParseError, ParseErrorCode, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Code } from '../errors.js';
import { MAX_DOCUMENT_BYTES, depthProblem, tooLarge } from './bounds.js';
import { escapePointerSegment, pathFromPointer } from './diagnostics.js';

export type Position = { readonly line: number; readonly column: number };

/** A problem with the text itself; `code` when it is not a plain syntax error (a limit crossed). */
export type SyntaxProblem = { readonly position: Position; readonly message: string; readonly hint: string; readonly code?: Code };

export type ParsedJson =
  | { readonly ok: true; readonly value: unknown; readonly map: SourceMap }
  | { readonly ok: false; readonly problems: readonly SyntaxProblem[] };

export class SourceMap {
  readonly #lineStarts: number[];

  constructor(readonly text: string, readonly root: Node | undefined) {
    this.#lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.#lineStarts.push(i + 1);
  }

  positionOfOffset(offset: number): Position {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.#lineStarts[lo]! + 1 };
  }

  /**
   * Where the value at a JSON pointer starts; with `key`, where its property name starts.
   * A pointer that goes past what exists falls back to its deepest existing ancestor.
   */
  positionOf(pointer: string, key = false): Position {
    let node = this.root;
    let keyNode: Node | undefined;
    for (const segment of pathFromPointer(pointer)) {
      const child = childNode(node, segment);
      if (!child) break;
      [node, keyNode] = [child.value, child.key];
    }
    const target = key && keyNode ? keyNode : node;
    return this.positionOfOffset(target?.offset ?? 0);
  }

  /**
   * Properties that appear more than once in one object (JSON.parse keeps the last
   * silently): every repeat after the first, each at its own position.
   */
  duplicateKeys(): { pointer: string; key: string; position: Position }[] {
    const found: { pointer: string; key: string; position: Position }[] = [];
    const walk = (node: Node | undefined, pointer: string): void => {
      if (!node?.children) return;
      if (node.type === 'object') {
        const seen = new Set<string>();
        for (const property of node.children) {
          const [keyNode, valueNode] = property.children ?? [];
          const name = String(keyNode?.value);
          const childPointer = `${pointer}/${escapePointerSegment(name)}`;
          if (seen.has(name)) found.push({ pointer: childPointer, key: name, position: this.positionOfOffset(keyNode?.offset ?? 0) });
          seen.add(name);
          walk(valueNode, childPointer);
        }
      } else if (node.type === 'array') {
        node.children.forEach((child, i) => walk(child, `${pointer}/${i}`));
      }
    };
    walk(this.root, '');
    return found;
  }
}

function childNode(node: Node | undefined, segment: string): { key?: Node; value: Node } | undefined {
  if (node?.type === 'object') {
    // The last property of that name is the one JSON.parse keeps.
    const property = [...(node.children ?? [])].reverse().find((p) => p.children?.[0]?.value === segment);
    const [key, value] = property?.children ?? [];
    return value ? { key, value } : undefined;
  }
  if (node?.type === 'array' && /^\d+$/.test(segment)) {
    const value = node.children?.[Number(segment)];
    return value ? { value } : undefined;
  }
  return undefined;
}

const SYNTAX: Partial<Record<ParseErrorCode, [message: string, hint: string]>> = {
  [ParseErrorCode.CommaExpected]: ['a comma is missing', 'separate items and properties with a comma'],
  [ParseErrorCode.PropertyNameExpected]: ['a property name is expected', 'property names are strings in double quotes; remove a trailing comma before }'],
  [ParseErrorCode.ValueExpected]: ['a value is expected', 'a value is missing here, or a trailing comma must go'],
  [ParseErrorCode.ColonExpected]: ['a colon is expected', 'put a colon between a property name and its value'],
  [ParseErrorCode.CloseBraceExpected]: ['an object is not closed', 'add the missing }'],
  [ParseErrorCode.CloseBracketExpected]: ['an array is not closed', 'add the missing ]'],
  [ParseErrorCode.EndOfFileExpected]: ['there is text after the end of the document', 'remove it, or wrap everything in one object'],
  [ParseErrorCode.InvalidCommentToken]: ['JSON has no comments', 'remove the comment; a "description" property can hold the text'],
  [ParseErrorCode.UnexpectedEndOfString]: ['a string is not closed', 'add the missing "'],
  [ParseErrorCode.InvalidSymbol]: ['this is not a JSON value', 'strings need double quotes; true, false and null are lowercase'],
  [ParseErrorCode.InvalidCharacter]: ['a string holds a raw control character (a tab or line break)', 'write it escaped, as \\t or \\n'],
};

const BYTE_ORDER_MARK = '\uFEFF';

export function parseJson(source: string): ParsedJson {
  // Editors on Windows may save a byte-order mark; it is not part of the JSON, nor a column.
  const text = source.startsWith(BYTE_ORDER_MARK) ? source.slice(1) : source;
  // IMPORTANT: the limits come before jsonc-parser, which recurses once per level of nesting
  // (2,000 levels overflowed the stack and ended the daemon) and keeps a node per value.
  const bytes = Buffer.byteLength(text, 'utf8');
  const bound = bytes > MAX_DOCUMENT_BYTES ? tooLarge(bytes) : depthProblem(text);
  if (bound) {
    const map = new SourceMap(text, undefined);
    return { ok: false, problems: [{ position: map.positionOfOffset(bound.offset), message: bound.message, hint: bound.hint, code: bound.code }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const map = new SourceMap(text, root);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Only the first syntax error is reported: the parser's later ones are mostly echoes
    // of the first (a trailing comma also shows up as a missing value), and would mislead.
    const first = errors[0];
    if (first) return { ok: false, problems: [syntaxProblem(map, text, first)] };
    // jsonc-parser accepted what JSON.parse rejects; V8's message gives the position.
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message)?.[1];
    return {
      ok: false,
      problems: [{
        position: map.positionOfOffset(at === undefined ? 0 : Number(at)),
        message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
        hint: 'fix the JSON syntax here',
      }],
    };
  }
  return { ok: true, value, map };
}

function syntaxProblem(map: SourceMap, text: string, error: ParseError): SyntaxProblem {
  const position = map.positionOfOffset(error.offset);
  // "01": the parser sees the number 0 followed by a stray 1.
  if (error.error === ParseErrorCode.CommaExpected && /(^|[^\d.])0$/.test(text.slice(0, error.offset)) && /\d/.test(text[error.offset] ?? '')) {
    return { position, message: 'invalid JSON: a number has a leading zero', hint: 'write numbers without leading zeros, e.g. 1 rather than 01' };
  }
  const [message, hint] = SYNTAX[error.error] ?? [describeSyntaxError(error.error), 'fix the JSON syntax here'];
  return { position, message: `invalid JSON: ${message}`, hint };
}

function describeSyntaxError(code: ParseErrorCode): string {
  // "CommaExpected" → "comma expected"
  return printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
