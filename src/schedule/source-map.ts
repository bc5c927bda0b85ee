// Strict JSON parsing that remembers where every value and key is in the text, so that
// diagnostics can point at line:column. jsonc-parser gives the syntax tree with offsets;
// JSON.parse stays the judge of what is valid JSON.

import { type Node, type ParseError, ParseErrorCode, parseTree, printParseErrorCode } from 'jsonc-parser';
import { escapePointerSegment, pathFromPointer } from './diagnostics.js';

export type Position = { readonly line: number; readonly column: number };

export type SyntaxProblem = { readonly position: Position; readonly message: string; readonly hint: string };

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

  /** Pointers of properties that appear twice in one object (JSON.parse keeps the last silently). */
  duplicateKeys(): { pointer: string; key: string }[] {
    const found: { pointer: string; key: string }[] = [];
    const walk = (node: Node | undefined, pointer: string): void => {
      if (!node?.children) return;
      if (node.type === 'object') {
        const seen = new Set<string>();
        for (const property of node.children) {
          const [keyNode, valueNode] = property.children ?? [];
          const name = String(keyNode?.value);
          const childPointer = `${pointer}/${escapePointerSegment(name)}`;
          if (seen.has(name)) found.push({ pointer: childPointer, key: name });
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

const SYNTAX_HINTS: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.CommaExpected]: 'separate items and properties with a comma',
  [ParseErrorCode.PropertyNameExpected]: 'property names are strings in double quotes; remove a trailing comma before }',
  [ParseErrorCode.ValueExpected]: 'a value is missing here, or a trailing comma must go',
  [ParseErrorCode.ColonExpected]: 'put a colon between a property name and its value',
  [ParseErrorCode.CloseBraceExpected]: 'an object is not closed: add the missing }',
  [ParseErrorCode.CloseBracketExpected]: 'an array is not closed: add the missing ]',
  [ParseErrorCode.EndOfFileExpected]: 'there is text after the end of the document',
  [ParseErrorCode.InvalidCommentToken]: 'JSON has no comments; use a "description" property instead',
  [ParseErrorCode.UnexpectedEndOfString]: 'a string is not closed: add the missing "',
  [ParseErrorCode.InvalidSymbol]: 'strings need double quotes; true, false and null are lowercase',
};

export function parseJson(text: string): ParsedJson {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const map = new SourceMap(text, root);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problems = errors.map((e) => ({
      position: map.positionOfOffset(e.offset),
      message: `invalid JSON: ${describeSyntaxError(e.error)}`,
      hint: SYNTAX_HINTS[e.error] ?? 'fix the JSON syntax here',
    }));
    if (problems.length > 0) return { ok: false, problems };
    // jsonc-parser accepted what JSON.parse rejects (a leading zero, a control character).
    const at = /position (\d+)/.exec(String(error))?.[1];
    return {
      ok: false,
      problems: [
        {
          position: map.positionOfOffset(at === undefined ? 0 : Number(at)),
          message: `invalid JSON: ${(error as Error).message}`,
          hint: 'fix the JSON syntax here',
        },
      ],
    };
  }
  return { ok: true, value, map };
}

function describeSyntaxError(code: ParseErrorCode): string {
  // "CommaExpected" → "comma expected"
  return printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
