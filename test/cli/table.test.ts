// renderTable with cells from the cluster: a newline or an escape sequence in a reason must
// neither break a row nor throw the columns out of line.

import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/table.js';
import { rawControls } from '../text/never-raw.js';

describe('renderTable', () => {
  it('prints each cell escaped, one line per row, the columns aligned on what is printed', () => {
    const table = renderTable(['ID', 'REASON', 'BY'], [
      ['a1', 'line one\nline two \x1b[31mred\x1b[0m', 'alice'],
      ['b2', '\u202eevil\u202c', 'mallory\r\x00'],
      ['c3', 'plain', 'bob'],
    ]);
    expect(rawControls(table)).toEqual([]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    // Every row's BY starts where the header's does: the widths are those of the escaped text.
    const by = lines[0]!.indexOf('BY');
    expect(lines.map((line) => line.slice(by))).toEqual(['BY', 'alice', 'mallory\\r\\x00', 'bob']);
    expect(lines.map((line) => line.slice(4, by))).toEqual([
      'REASON                                 ',
      'line one\\nline two \\x1b[31mred\\x1b[0m  ',
      '\\u202eevil\\u202c                       ',
      'plain                                  ',
    ]);
  });

  it('right-aligns numeric columns', () => {
    expect(renderTable(['GROUP', 'WANTED'], [['workers', '12'], ['gpu', '3→4']])).toBe('GROUP    WANTED\nworkers      12\ngpu         3→4');
  });
});
