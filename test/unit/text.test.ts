import { describe, expect, it } from 'vitest';
import { findInvalidText, invalidCharacter, replaceInvalidText } from '../../domain/text.ts';

describe('text characters', () => {
  it('refuses NUL, C0 controls, DEL, unpaired surrogates and U+FFFE/U+FFFF', () => {
    for (const [s, c] of [
      ['a\u0000b', 'U+0000'],
      ['\u0007', 'U+0007'],
      ['x\u001f', 'U+001F'],
      ['\u007f', 'U+007F'],
      ['\ud83d', 'U+D83D'],
      ['a\ude00b', 'U+DE00'],
      ['\uffff', 'U+FFFF'],
    ])
      expect(invalidCharacter(s!), s).toBe(c);
  });

  it('allows text as people write it: accents, emoji (paired surrogates), tabs and new lines', () => {
    for (const s of ['Perché è così', '😀 grazie', 'riga 1\r\nriga 2\tfine', '', 'Ⅻ 𝔘']) expect(invalidCharacter(s), s).toBeNull();
  });

  it('finds every bad string by path, keys included, and replaces for text that cannot be refused', () => {
    expect(findInvalidText({ a: ['ok', 'x\u0000'], b: { 'k\u0001': 'v' } }, 'body')).toEqual([
      { path: 'body.a.1', character: 'U+0000' },
      { path: 'body.b.k\u0001', character: 'U+0001' },
    ]);
    expect(replaceInvalidText('a\u0000b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
  });
});
