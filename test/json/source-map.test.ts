import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/json/source-map.js';

function problems(text: string) {
  const parsed = parseJson(text);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.position.line}:${p.position.column} ${p.message}`);
}

describe('parseJson', () => {
  it('reports one error for one mistake, at the first place the parser stumbles', () => {
    expect(problems('{\n  "a": [1, 2\n}')).toEqual(['3:1 invalid JSON: a comma is missing']);
    expect(problems('{"a": 1,}')).toEqual(['1:9 invalid JSON: a property name is expected']);
  });

  it('names a leading zero for what it is', () => {
    expect(problems('{\n  "version": 01\n}')).toEqual(['2:15 invalid JSON: a number has a leading zero']);
  });

  it('ignores a byte-order mark, which is neither JSON nor a column', () => {
    expect(parseJson('\uFEFF{"a": 1}').ok).toBe(true);
    expect(problems('\uFEFF{"a": 1,}')).toEqual(['1:9 invalid JSON: a property name is expected']);
  });

  it('rejects comments and raw control characters in strings', () => {
    expect(problems('{\n  // no\n}')).toEqual(['2:3 invalid JSON: JSON has no comments']);
    expect(problems('{"a": "x\ty"}')[0]).toMatch(/^1:7 invalid JSON: a string holds a raw control character/) // at the string;
  });

  it('finds every repeat of a key at its own position', () => {
    const parsed = parseJson('{\n "a": 1,\n "a": 2,\n "b": {"c": 1, "c": 2},\n "a": 3\n}');
    if (!parsed.ok) throw new Error('valid JSON');
    expect(parsed.map.duplicateKeys()).toEqual([
      { pointer: '/a', key: 'a', position: { line: 3, column: 2 } },
      { pointer: '/b/c', key: 'c', position: { line: 4, column: 16 } },
      { pointer: '/a', key: 'a', position: { line: 5, column: 2 } },
    ]);
  });

  it('positions pointers at values or keys, escaping / in names', () => {
    const parsed = parseJson('{\n  "replicas": {\n    "shop/web": 3\n  }\n}');
    if (!parsed.ok) throw new Error('valid JSON');
    expect(parsed.map.positionOf('/replicas/shop~1web')).toEqual({ line: 3, column: 17 });
    expect(parsed.map.positionOf('/replicas/shop~1web', true)).toEqual({ line: 3, column: 5 });
    expect(parsed.map.positionOf('/replicas/missing')).toEqual({ line: 2, column: 15 });
  });
});
