import { Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Datagrid, FunctionField, ListBase, TextField, useDataProvider, usePermissions, useTranslate } from 'react-admin';
import { ListPagination } from '../common/ListPagination.tsx';
import type { DiffEntry } from '../../../contracts/definitions.ts';
import { StatusChip } from '../common/chips.tsx';
import { RomeDateField } from '../common/RomeDateField.tsx';
import type { SportelloDataProvider } from '../dataProvider.ts';
import { allows } from '../roles.ts';

export const VersionStatusChip = ({ status }: { status: 'draft' | 'published' }) => (
  <Chip
    size="small"
    variant="outlined"
    color={status === 'published' ? 'success' : 'warning'}
    label={useTranslate()(`app.definitions.status.${status}`)}
  />
);

const shown = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** What changed from one version to another, leaf by leaf, as the API's /diff reports it. */
export const DefinitionDiff = ({ serviceCode, from, to }: { serviceCode: string; from: number; to: number }) => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const { data, error } = useQuery({
    queryKey: ['definition', serviceCode, 'diff', from, to],
    queryFn: () => dataProvider.get<DiffEntry[]>(`definitions/${encodeURIComponent(serviceCode)}/diff?from=${from}&to=${to}`),
  });
  if (error) return <Typography color="error">{error.message}</Typography>;
  if (!data) return <Typography>{translate('ra.page.loading')}</Typography>;
  if (data.length === 0) return <Typography>{translate('app.definitions.diff.none')}</Typography>;
  return (
    <Table size="small" aria-label={translate('app.definitions.diff.title', { from, to })}>
      <TableHead>
        <TableRow>
          {(['path', 'op', 'from', 'to'] as const).map((c) => (
            <TableCell key={c}>{translate(`app.definitions.diff.${c}`, { from, to })}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {data.map((d) => (
          <TableRow key={d.path}>
            <TableCell>
              <code>{d.path}</code>
            </TableCell>
            <TableCell>{translate(`app.definitions.diff.ops.${d.op}`)}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{shown(d.from)}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{shown(d.to)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const field = (source: string) => `resources.cases.fields.${source}`;

/** The cases pinned to a version, newest first; those who may read cases open them from here. */
export const VersionCases = ({ serviceCode, version }: { serviceCode: string; version: number }) => {
  const translate = useTranslate();
  const { permissions: role } = usePermissions<string>();
  return (
    <ListBase
      resource={`definitions/${encodeURIComponent(serviceCode)}/versions/${version}/cases`}
      perPage={10}
      sort={{ field: 'createdAt', order: 'DESC' }}
      disableSyncWithLocation
    >
      <Datagrid
        bulkActionButtons={false}
        rowClick={allows(role, '/cases') ? (id) => `/cases/${encodeURIComponent(String(id))}/show` : false}
        empty={<Typography sx={{ p: 2 }}>{translate('app.definitions.cases.empty')}</Typography>}
      >
        <TextField source="id" label={field('id')} />
        <RomeDateField source="createdAt" label={field('createdAt')} />
        <TextField source="municipalityName" label={field('municipalityName')} sortable={false} />
        <TextField source="subject" label={field('subject')} sortable={false} />
        <FunctionField source="status" label={field('status')} render={(r: { status: string }) => <StatusChip status={r.status} />} />
        <FunctionField
          source="stage"
          label={field('stage')}
          sortable={false}
          render={(r: { stage: string }) => translate(`app.stage.${r.stage}`, { _: r.stage })}
        />
      </Datagrid>
      <ListPagination rowsPerPageOptions={[10]} />
    </ListBase>
  );
};
