import { describe, expect, it } from 'vitest';
import { emptyPersonalData, redactedMark, redactJson, redactor } from '../../domain/redaction.ts';

const person = {
  ...emptyPersonalData(),
  names: ['Ludovica Ferraris'],
  phones: ['+393401239876'],
  emails: ['ludovica.ferraris@example.org'],
  fiscalCodes: ['FRRLDV85M41F205X'],
  addresses: ['Via Benedetto Marcello 14\n20124 Milano'],
};
const redact = redactor(person);

describe('redaction of a person from free text', () => {
  it.each([
    ['Richiamare Ludovica Ferraris', `Richiamare ${redactedMark}`],
    ['FERRARIS Ludovica ha chiamato', `${redactedMark} ha chiamato`],
    ['la sig.ra ferraris', `la sig.ra ${redactedMark}`],
    ['al 340 123 9876 dopo le 15', `al ${redactedMark} dopo le 15`],
    ['tel. +39 340-1239876', `tel. ${redactedMark}`],
    ['chiamata da 00393401239876', `chiamata da ${redactedMark}`],
    ['scrive da Ludovica.Ferraris@Example.org', `scrive da ${redactedMark}`],
    ['CF frrldv85m41f205x', `CF ${redactedMark}`],
    ['abita in via Benedetto  Marcello 14', `abita in ${redactedMark}`],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('leaves text about others as it is', () => {
    expect(redact('Orari della biblioteca Sormani, tel. 02 8846 3397')).toBe('Orari della biblioteca Sormani, tel. 02 8846 3397');
  });

  it('goes through every string of a JSON value, keys included', () => {
    expect(redactJson({ topic: 'carta di Ludovica Ferraris', n: 3, list: ['3401239876', true], Ferraris: null }, redact)).toEqual({
      topic: `carta di ${redactedMark}`,
      n: 3,
      list: [redactedMark, true],
      [redactedMark]: null,
    });
  });

  it('changes nothing when nothing is known of the person', () => {
    expect(redactor(emptyPersonalData())('Ludovica Ferraris')).toBe('Ludovica Ferraris');
  });
});
