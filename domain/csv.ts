/**
 * CSV as spreadsheets open it (RFC 4180, CRLF). A text cell starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return is a formula to Excel and LibreOffice, so a subject typed by a citizen could
 * run in an official's spreadsheet: such text gets a leading apostrophe (OWASP's "CSV injection"
 * advice). Numbers stay numbers, negative ones included.
 */
export type CsvValue = string | number | boolean | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  const text = formulaStart.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const toCsv = (rows: readonly (readonly CsvValue[])[]): string =>
  `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
