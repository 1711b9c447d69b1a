import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../platform/paths.ts';

// Every relative link and image in the project's Markdown must point at a file that exists, and an
// `#anchor` at a heading (GitHub's slug) or an explicit `<a id>` of its target page.
const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? markdownFiles(full) : e.name.endsWith('.md') ? [full] : [];
  });
const pages = [
  ...['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].map((f) => path.join(projectRoot, f)),
  ...markdownFiles(path.join(projectRoot, 'docs')),
];

/** The text a reader sees as prose: fenced code blocks and inline code spans taken out. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's heading ids: the heading's text lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const plain = heading!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

/** What is wrong with each relative link of a page: `link: reason`. */
function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const [, target] of prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto: …
    const [rawPath = '', anchor] = target!.split('#', 2);
    const pathPart = decodeURIComponent(rawPath.split('?')[0]!);
    const resolved =
      pathPart === '' ? file : pathPart.startsWith('/') ? path.join(projectRoot, pathPart) : path.resolve(path.dirname(file), pathPart);
    if (!existsSync(resolved)) {
      broken.push(`${target}: no file ${path.relative(projectRoot, resolved)}`);
    } else if (
      anchor &&
      resolved.endsWith('.md') &&
      statSync(resolved).isFile() &&
      !anchorsOf(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())
    ) {
      broken.push(`${target}: no heading #${anchor} in ${path.relative(projectRoot, resolved)}`);
    }
  }
  return broken;
}

describe('relative links in the documentation', () => {
  it('finds the pages', () => {
    expect(pages.map((p) => path.relative(projectRoot, p))).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
  });

  it.each(pages.map((p) => [path.relative(projectRoot, p), p] as const))('%s', (_name, file) => {
    expect(brokenLinks(file)).toEqual([]);
  });
});
