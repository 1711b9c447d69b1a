import { downloadCSV, type Exporter } from 'react-admin';
import { type CsvValue, toCsv } from '../../../domain/csv.ts';

/** A record's values by dotted path (`citizen.name`), arrays joined: one column per leaf. */
function flatten(value: unknown, prefix: string, into: Record<string, CsvValue>): Record<string, CsvValue> {
  if (Array.isArray(value)) into[prefix] = value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  else into[prefix] = value as CsvValue;
  return into;
}

/**
 * The lists' "Export": the same CSV writer as the server's reports, so text typed by citizens or staff
 * that starts like a formula is neutralised (react-admin's default exporter writes it as it is).
 */
export const csvExporter: Exporter = (records, _fetchRelated, _dataProvider, resource) => {
  const rows = (records as unknown[]).map((r) => flatten(r, '', {}));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  downloadCSV(toCsv([columns, ...rows.map((r) => columns.map((c) => r[c]))]), resource ?? 'export');
};
