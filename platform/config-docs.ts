import { z } from 'zod';
import { configSchema } from './config.ts';

/** The README's configuration table, generated from the schema so the two cannot drift apart. */
export function configTable(): string {
  const rows = Object.entries(configSchema.shape).map(([name, field]) => {
    const schema = field as z.ZodType;
    const def = schema instanceof z.ZodDefault ? `\`${String(schema.def.defaultValue)}\`` : '—';
    return `| \`${name}\` | ${def} | ${schema.description ?? ''} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const configTableMarkers = ['<!-- config-table:start -->', '<!-- config-table:end -->'] as const;

/** The README text with the table between the markers replaced by the current one. */
export function withConfigTable(readme: string): string {
  const [start, end] = configTableMarkers;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${readme.slice(0, from + start.length)}\n${configTable()}\n${readme.slice(to)}`;
}
