import { describe, expect, it } from 'vitest';
import { fitSms, smsEncoding, smsSize } from '../../domain/sms-encoding.ts';
import { pageLinkLine } from '../../services/messages/templates.ts';

const link = pageLinkLine.it('https://sportello.comune.milano.it/p/Xk3v9QeR2mT7wYb4');

describe('GSM-7 or UCS-2', () => {
  it('writes Italian accents in GSM-7: à è é ì ò ù are in the basic table', () => {
    const text = 'Comune - la sua richiesta MI-2026-000123 è stata risolta. Più informazioni: perché no? Là, città, però, giù.';
    expect(smsEncoding(text)).toBe('GSM-7');
    expect(smsSize(text)).toEqual({ encoding: 'GSM-7', length: text.length, segments: 1 });
  });

  it('counts the euro sign and the other extension characters twice', () => {
    const text = 'Rimborso TARI di € 120,50 disposto [rif. 7]';
    expect(smsEncoding(text)).toBe('GSM-7');
    expect(smsSize(text).length).toBe(text.length + 3);
  });

  it('turns the whole message into UCS-2 for an emoji, a capital accented vowel outside the table or a typographic apostrophe', () => {
    for (const text of ['Grazie per la segnalazione 👍', 'È stata risolta', 'L’ufficio è chiuso'])
      expect(smsEncoding(text), text).toBe('UCS-2');
    // An emoji is a surrogate pair: two UTF-16 units.
    expect(smsSize('Grazie 👍').length).toBe(9);
  });

  it('splits at 160/153 in GSM-7 and 70/67 in UCS-2', () => {
    expect(smsSize('a'.repeat(160)).segments).toBe(1);
    expect(smsSize('a'.repeat(161)).segments).toBe(2);
    expect(smsSize('a'.repeat(306)).segments).toBe(2);
    expect(smsSize('a'.repeat(307)).segments).toBe(3);
    expect(smsSize('👍'.repeat(35)).segments).toBe(1);
    expect(smsSize(`${'a'.repeat(69)}👍`).segments).toBe(2);
    expect(smsSize('ò'.repeat(67 * 2) + '€').encoding).toBe('GSM-7');
  });

  it('never cuts a euro sign between two segments', () => {
    // 306 septets would be two full segments, but € (2 septets) cannot start in segment 1's last septet: it opens segment 2, and the last b spills into a third.
    const text = `${'a'.repeat(152)}€${'b'.repeat(152)}`;
    expect(smsSize(text)).toMatchObject({ length: 306, segments: 3 });
  });
});

describe('shortening to the configured segments', () => {
  const question =
    "Comune - richiesta MI-2026-000123: per procedere con il rimborso della TARI ci serve l'IBAN del conto corrente intestato al " +
    'contribuente, la copia del documento di identità e la ricevuta del pagamento effettuato nel 2025. Può inviarli rispondendo a ' +
    'questo messaggio o dalla pagina della richiesta, entro trenta giorni: dopo, la richiesta sarà archiviata.';

  it('leaves a text that fits as it is', () => {
    expect(fitSms(`Comune - la sua richiesta MI-2026-000123 è stata risolta.\n${link}`, 1)).toBe(
      `Comune - la sua richiesta MI-2026-000123 è stata risolta.\n${link}`,
    );
  });

  it('cuts the words, keeps the page link whole at the end, and stays GSM-7', () => {
    const text = `${question}\n${link}`;
    expect(smsSize(text).segments).toBe(3);
    for (const max of [1, 2]) {
      const fitted = fitSms(text, max);
      expect(smsSize(fitted), fitted).toMatchObject({ encoding: 'GSM-7', segments: max });
      expect(fitted.endsWith(`...\n${link}`)).toBe(true);
      expect(question.startsWith(fitted.split('...')[0]!)).toBe(true);
    }
  });

  it('cuts a UCS-2 text with an ellipsis within 67-unit segments', () => {
    const text = `Grazie 🙏 ${question}`;
    const fitted = fitSms(text, 2);
    expect(smsSize(fitted)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(fitted.endsWith('…')).toBe(true);
  });
});
