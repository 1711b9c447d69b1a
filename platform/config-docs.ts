import { z } from 'zod';
import { configSchema } from './config.ts';

/** The configuration table of docs/operations.md, generated from the schema so the two cannot drift apart. */
export function configTable(): string {
  const rows = Object.entries(configSchema.shape).map(([name, field]) => {
    const schema = field as z.ZodType;
    const def = schema instanceof z.ZodDefault ? `\`${String(schema.def.defaultValue)}\`` : '—';
    return `| \`${name}\` | ${def} | ${schema.description ?? ''} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const configTableMarkers = ['<!-- config-table:start -->', '<!-- config-table:end -->'] as const;

/** The page's text with the table between the markers replaced by the current one. */
export function withConfigTable(page: string): string {
  const [start, end] = configTableMarkers;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the page lacks the ${start} … ${end} markers`);
  return `${page.slice(0, from + start.length)}\n${configTable()}\n${page.slice(to)}`;
}
