import { Box, Card, CardContent, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { type ReactNode, useId } from 'react';
import { Link } from 'react-router-dom';
import { useTranslate } from 'react-admin';

export interface Column<R> {
  key: string;
  label: string;
  render: (row: R) => ReactNode;
  numeric?: boolean;
}

interface Props<R> {
  title: string;
  /** What the chart shows, for those who do not see it: the table below has every figure. */
  description: string;
  chart?: ReactNode;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  /** The table shown open (no chart to read instead). */
  tableOnly?: boolean;
  empty?: string;
}

/**
 * A chart with its figures: the chart is an image named by its description, and the same figures
 * are a table (folded under the chart) so no figure lives in colour or shape alone.
 */
export function Figure<R>({ title, description, chart, columns, rows, rowKey, tableOnly, empty }: Props<R>) {
  const translate = useTranslate();
  const titleId = useId();
  const table = (
    <Table size="small" aria-labelledby={titleId}>
      <TableHead>
        <TableRow>
          {columns.map((c) => (
            <TableCell key={c.key} align={c.numeric ? 'right' : 'left'} component="th" scope="col">
              {c.label}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={rowKey(r)}>
            {columns.map((c, i) => (
              <TableCell
                key={c.key}
                align={c.numeric ? 'right' : 'left'}
                component={i === 0 ? 'th' : 'td'}
                scope={i === 0 ? 'row' : undefined}
              >
                {c.render(r)}
              </TableCell>
            ))}
          </TableRow>
        ))}
        {rows.length === 0 && (
          <TableRow>
            <TableCell colSpan={columns.length}>{empty ?? translate('kpi.noData')}</TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
  return (
    <Card component="section" aria-labelledby={titleId} sx={{ flex: '1 1 420px', minWidth: 0 }}>
      <CardContent>
        <Typography id={titleId} component="h3" variant="h6" gutterBottom>
          {title}
        </Typography>
        {chart && rows.length > 0 && (
          <Box role="img" aria-label={description} sx={{ width: '100%', height: 260 }}>
            {chart}
          </Box>
        )}
        {tableOnly || !chart ? (
          table
        ) : (
          <Box component="details" sx={{ mt: 1, '& summary': { cursor: 'pointer', color: 'primary.main' } }}>
            <summary>{translate('kpi.showTable')}</summary>
            {table}
          </Box>
        )}
      </CardContent>
    </Card>
  );
}

/** A figure that opens the cases behind it, when there is a list to open. */
export const CountLink = ({ value, to, label }: { value: ReactNode; to?: string; label?: string }) =>
  to ? (
    <Link to={to} aria-label={label}>
      {value}
    </Link>
  ) : (
    <>{value}</>
  );
