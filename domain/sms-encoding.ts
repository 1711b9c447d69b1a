/**
 * How long an SMS is, as the network counts it (3GPP TS 23.038): a text written only with the GSM
 * 7-bit alphabet travels as GSM-7, one septet per character and two for the characters of the
 * extension table (€ [ ] { } ~ ^ \ | and the form feed); any other character (an emoji, a "smart"
 * quote, a Cyrillic letter) turns the whole message into UCS-2, one UTF-16 unit per character. A
 * single message holds 160 septets or 70 units; a longer one is split into concatenated segments
 * that lose room to their header: 153 septets or 67 units each.
 */
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsmExtension = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

const limits = {
  'GSM-7': { single: 160, segment: 153 },
  'UCS-2': { single: 70, segment: 67 },
} as const;

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!gsmBasic.has(ch) && !gsmExtension.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

/** The room one character takes: septets in GSM-7, UTF-16 units in UCS-2 (an emoji takes two). */
const charLength = (ch: string, encoding: SmsEncoding) => (encoding === 'GSM-7' ? (gsmExtension.has(ch) ? 2 : 1) : ch.length);

export function smsLength(text: string, encoding = smsEncoding(text)): number {
  let n = 0;
  for (const ch of text) n += charLength(ch, encoding);
  return n;
}

export interface SmsSize {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  length: number;
  segments: number;
}

/**
 * The segments a text needs. An escape pair or a surrogate pair is never cut between two segments
 * (phones would show garbage), so segments are filled character by character, not by division.
 */
export function smsSize(text: string): SmsSize {
  const encoding = smsEncoding(text);
  const length = smsLength(text, encoding);
  const { single, segment } = limits[encoding];
  if (length <= single) return { encoding, length, segments: length === 0 ? 0 : 1 };
  let segments = 1;
  let used = 0;
  for (const ch of text) {
    const n = charLength(ch, encoding);
    if (used + n > segment) {
      segments++;
      used = 0;
    }
    used += n;
  }
  return { encoding, length, segments };
}

/** The most a text may take to fit in `segments` segments of `encoding`. */
const capacity = (encoding: SmsEncoding, segments: number) =>
  segments <= 1 ? limits[encoding].single : limits[encoding].segment * segments;

const ellipsis = '…';

/**
 * The text cut to fit `maxSegments`, with "…" where it was cut. When its last line is a link (the
 * citizen's page: services/messages/templates.ts ends messages with it), the link is kept whole
 * at the end and the words before it are shortened instead. The ellipsis is not GSM-7, so a GSM-7
 * text is cut with "..." instead (one UCS-2 character would halve the room of the whole message).
 */
export function fitSms(text: string, maxSegments: number): string {
  if (smsSize(text).segments <= maxSegments) return text;
  const lines = text.split('\n');
  const last = lines.at(-1)!;
  const keepsLink = lines.length > 1 && /https?:\/\/\S+$/.test(last);
  const tail = keepsLink ? `\n${last}` : '';
  const head = keepsLink ? lines.slice(0, -1).join('\n') : text;
  const encoding = smsEncoding(text);
  const mark = encoding === 'GSM-7' ? '...' : ellipsis;
  const room = capacity(encoding, maxSegments) - smsLength(tail + mark, encoding);
  let kept = '';
  let used = 0;
  for (const ch of head) {
    const n = charLength(ch, encoding);
    if (used + n > room) break;
    kept += ch;
    used += n;
  }
  // Cut at a word boundary when there is one in the last fifth, so no word is left half-written.
  const space = kept.lastIndexOf(' ');
  if (space > kept.length * 0.8) kept = kept.slice(0, space);
  let fitted = `${kept.trimEnd()}${mark}${tail}`;
  // Segment headers can cost a character or two at the boundaries: shorten until it truly fits.
  while (smsSize(fitted).segments > maxSegments && kept.length > 0) {
    kept = [...kept].slice(0, -1).join('');
    fitted = `${kept.trimEnd()}${mark}${tail}`;
  }
  return fitted;
}
