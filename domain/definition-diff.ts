/**
 * The structural difference between two versions of a definition, as a designer reviews it before
 * publishing: one entry per leaf that was added, removed or changed, at a dotted path with array
 * indexes (the same paths validation reports). Arrays are compared position by position, so
 * inserting an element shows as changes at the following indexes and an addition at the end.
 */
export type DiffEntry =
  | { path: string; op: 'added'; to: unknown }
  | { path: string; op: 'removed'; from: unknown }
  | { path: string; op: 'changed'; from: unknown; to: unknown };

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

export function diffDocuments(from: unknown, to: unknown): DiffEntry[] {
  const entries: DiffEntry[] = [];
  walk(from, to, [], entries);
  return entries;
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: DiffEntry[]): void {
  const at = path.join('.');
  // An array and an object are different kinds of value: reported whole, not key by key.
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (!Object.is(a, b)) out.push({ path: at, op: 'changed', from: a, to: b });
    return;
  }
  const keys = Array.isArray(a)
    ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => i)
    : [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const inA = Object.hasOwn(a, key) && (a as Record<string, unknown>)[key] !== undefined;
    const inB = Object.hasOwn(b, key) && (b as Record<string, unknown>)[key] !== undefined;
    const va = (a as Record<string, unknown>)[key];
    const vb = (b as Record<string, unknown>)[key];
    if (inA && inB) walk(va, vb, [...path, key], out);
    else if (inB) out.push({ path: [...path, key].join('.'), op: 'added', to: vb });
    else if (inA) out.push({ path: [...path, key].join('.'), op: 'removed', from: va });
  }
}
