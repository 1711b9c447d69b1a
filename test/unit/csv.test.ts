import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../domain/csv.ts';

describe('CSV cells', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const formula of ['=HYPERLINK("http://x","y")', '+39 02 0202', '-1+1', '@SUM(A1)', '\tcmd', '\rcmd'])
      expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });

  it('keeps numbers, plain text and empty cells as they are', () => {
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell(12)).toBe('12');
    expect(csvCell('Buca in via Roma')).toBe('Buca in via Roma');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('due\nrighe')).toBe('"due\nrighe"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('writes rows with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        [1, '=x'],
      ]),
    ).toBe("a,b\r\n1,'=x\r\n");
  });
});
