/**
 * Where each member of a JSON text is, by the dotted path the API reports its problems at
 * ("intake.fields.0.key"): an object's member at its key, an array's item at its value.
 * The text must be valid JSON (it is only asked once JSON.parse accepted it).
 */
export function jsonPathOffsets(text: string): Map<string, number> {
  const at = new Map<string, number>();
  let i = 0;
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const string = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string) => {
    space();
    const child = (key: string) => (path ? `${path}.${key}` : key);
    if (text[i] === '{') {
      i++;
      space();
      while (text[i] !== '}') {
        space();
        const keyAt = i;
        const key = string();
        at.set(child(key), keyAt);
        space();
        i++; // the colon
        value(child(key));
        space();
        if (text[i] === ',') i++;
        space();
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      space();
      for (let n = 0; text[i] !== ']'; n++) {
        space();
        at.set(child(String(n)), i);
        value(child(String(n)));
        space();
        if (text[i] === ',') i++;
        space();
      }
      i++;
    } else if (text[i] === '"') {
      string();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
  };
  at.set('', 0);
  value('');
  return at;
}

/** Where a problem's path is in the text; a member that is missing points at the nearest one that is there. */
export function offsetOfPath(text: string, path: string): number {
  const offsets = jsonPathOffsets(text);
  for (let parts = path ? path.split('.') : []; ; parts = parts.slice(0, -1)) {
    const found = offsets.get(parts.join('.'));
    if (found !== undefined) return found;
  }
}

/** The line (from 0) an offset is on. */
export const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length - 1;
