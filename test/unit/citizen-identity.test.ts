import { describe, expect, it } from 'vitest';
import {
  identifiersOf,
  normaliseEmail,
  normaliseFiscalCode,
  normaliseName,
  normalisePhone,
  phoneVariants,
} from '../../domain/citizen-identity.ts';

describe('phone numbers to E.164 (Italian by default)', () => {
  it.each([
    ['333 123 4567', '+393331234567'],
    ['3331234567', '+393331234567'],
    ['+39 333 1234567', '+393331234567'],
    ['+39 333 123 4567', '+393331234567'],
    ['0039 333 1234567', '+393331234567'],
    ['0039-333-123-4567', '+393331234567'],
    ['333.123.4567', '+393331234567'],
    ['(333) 123 4567', '+393331234567'],
    ['  +393331234567 ', '+393331234567'],
    // Cases of earlier releases stored digits with the country code and no +.
    ['393331234567', '+393331234567'],
    // Landlines keep their leading 0 after +39: Milan 02, Florence 055, Rome 06.
    ['02 1234 5678', '+390212345678'],
    ['02-1234-5678', '+390212345678'],
    ['(02) 1234.5678', '+390212345678'],
    ['+39 02 1234 5678', '+390212345678'],
    ['0039 02 12345678', '+390212345678'],
    ['055 276 8224', '+390552768224'],
    ['06 6710 1', '+390667101'],
    // The cities' contact centre numbers.
    ['020202', '+39020202'],
    ['055055', '+39055055'],
    ['800 123 456', '+39800123456'],
    // A foreign number with its prefix stays foreign.
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
  ])('%s → %s', (typed, e164) => {
    expect(normalisePhone(typed)).toBe(e164);
  });

  it.each(['12345', 'abc', '', '+39', '333 123 4567 890 12'])('%j is no number', (typed) => {
    expect(normalisePhone(typed)).toBeNull();
  });

  it('gives the forms a PBX may have stored the number in', () => {
    expect(phoneVariants('+393331234567').sort()).toEqual(['+393331234567', '00393331234567', '3331234567', '393331234567'].sort());
    expect(phoneVariants('+390212345678')).toContain('0212345678');
    expect(phoneVariants('+442079460958')).not.toContain('2079460958');
  });
});

describe('fiscal codes, e-mails and names', () => {
  it('upper-cases and trims fiscal codes, omocodia letters included, and refuses other shapes', () => {
    expect(normaliseFiscalCode(' rssmra80a41f205x ')).toBe('RSSMRA80A41F205X');
    expect(normaliseFiscalCode('RSS MRA 80A41 F205X')).toBe('RSSMRA80A41F205X');
    // Omocodia: digits replaced by L M N P Q R S T U V when two people would share a code.
    expect(normaliseFiscalCode('rssmra8la41f2lrx')).toBe('RSSMRA8LA41F2LRX');
    expect(normaliseFiscalCode('RSSMRA80Z41F205X')).toBeNull(); // Z is no month
    expect(normaliseFiscalCode('RSSMRA80A41F205')).toBeNull();
    expect(normaliseFiscalCode('RSSMRA80A41F20WX')).toBeNull(); // W is no omocodia letter
  });

  it('lower-cases and trims e-mails', () => {
    expect(normaliseEmail('  Maria.Bianchi@Example.ORG ')).toBe('maria.bianchi@example.org');
    expect(normaliseEmail('maria.bianchi')).toBeNull();
    expect(normaliseEmail('a@b@c.it')).toBeNull();
  });

  it('compares names without accents, case or extra spaces', () => {
    expect(normaliseName('  Nicolò   ROSSI ')).toBe('nicolo rossi');
    expect(normaliseName('Niccolò Rossi')).not.toBe(normaliseName('Nicolò Rossi'));
  });

  it("takes a case's citizen snapshot apart into its normalised identifiers, leaving out what does not normalise", () => {
    expect(identifiersOf({ phone: '3331234567', email: 'M.B@Example.org', fiscalCode: 'bncmra80a41f205x' })).toEqual({
      phones: ['+393331234567'],
      emails: ['m.b@example.org'],
      fiscalCode: 'BNCMRA80A41F205X',
    });
    expect(identifiersOf({ phone: '12345' })).toEqual({ phones: [], emails: [], fiscalCode: null });
  });
});
