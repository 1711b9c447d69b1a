/**
 * Characters no text of ours may hold: NUL (PostgreSQL refuses it in text and JSON, so one NUL
 * would leave a case that can never be stored), the other C0 controls but tab, line feed and
 * carriage return, DEL, unpaired UTF-16 surrogates (not Unicode text; PostgreSQL refuses them in
 * JSON) and the noncharacters U+FFFE and U+FFFF.
 */
const invalid =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character of `s` that is not allowed, as `U+0000`; null when there is none. */
export function invalidCharacter(s: string): string | null {
  const m = invalid.exec(s);
  return m ? codePoint(m[0]) : null;
}

export interface InvalidText {
  path: string;
  character: string;
}

/** Every string inside `value` (objects, arrays, their keys too) holding a character not allowed, by path. */
export function findInvalidText(value: unknown, path: string, found: InvalidText[] = []): InvalidText[] {
  if (typeof value === 'string') {
    const character = invalidCharacter(value);
    if (character) found.push({ path, character });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findInvalidText(v, `${path}.${i}`, found));
  } else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(value)) {
      const character = invalidCharacter(k);
      if (character) found.push({ path: `${path}.${k}`, character });
      findInvalidText(v, `${path}.${k}`, found);
    }
  }
  return found;
}

/** Text from outside that cannot be refused (an e-mail's body): each character not allowed becomes U+FFFD. */
export const replaceInvalidText = (s: string): string => s.replace(new RegExp(invalid.source, 'g'), '\ufffd');
