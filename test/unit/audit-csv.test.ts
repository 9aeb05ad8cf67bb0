import { describe, expect, it } from 'vitest';
import { csvField } from '../../api/routes/audit.js';

describe('audit CSV fields (issue 28 item 13)', () => {
  it('defuses every character a spreadsheet reads as the start of a formula, TAB and CR included', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      const field = csvField(`${lead}HYPERLINK("x")`);
      expect(field.replace(/^"/, '').startsWith(`'${lead}`)).toBe(true);
    }
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
  });
});
