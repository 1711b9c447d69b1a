const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (html: string) => html.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => entities[e]!);

/**
 * A search snippet (text escaped by the API, matches in <mark>) as plain pieces of text, marked or
 * not: rendered as React text, nothing in it is ever parsed as HTML.
 */
export function highlightParts(snippet: string): { text: string; marked: boolean }[] {
  return snippet
    .split(/<mark>([\s\S]*?)<\/mark>/)
    .map((piece, i) => ({ text: unescape(piece), marked: i % 2 === 1 }))
    .filter((p) => p.text !== '');
}
