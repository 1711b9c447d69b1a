import { Typography } from '@mui/material';
import { Datagrid, FunctionField, List, NumberField, SelectInput, TextField, TextInput, useTranslate } from 'react-admin';
import { CallDirectionSchema, EndCauseSchema } from '../../../domain/call-events.ts';
import { RomeDateField } from '../common/RomeDateField.tsx';
import { DrillDownFilters } from './DrillDownFilters.tsx';
import { csvExporter } from '../common/csvExporter.ts';
import { ListPagination } from '../common/ListPagination.tsx';

const Empty = () => <Typography sx={{ p: 3 }}>{useTranslate()('app.calls.empty')}</Typography>;

/** The phone lines' contacts, newest first, as the telephony adapters recorded them; or those behind a KPI figure. */
export const CallList = () => {
  const translate = useTranslate();
  const choices = (group: string, ids: readonly string[]) => ids.map((id) => ({ id, name: translate(`app.calls.${group}.${id}`) }));
  const filters = [
    <TextInput key="number" source="number" alwaysOn />,
    <SelectInput key="direction" source="direction" choices={choices('direction', CallDirectionSchema.options)} alwaysOn />,
    <SelectInput key="endCause" source="endCause" choices={choices('endCause', EndCauseSchema.options)} />,
  ];
  return (
    <List
      pagination={<ListPagination />}
      exporter={csvExporter}
      filters={filters}
      sort={{ field: 'startedAt', order: 'DESC' }}
      empty={<Empty />}
    >
      <DrillDownFilters />
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <RomeDateField source="startedAt" />
        <FunctionField
          source="direction"
          sortable={false}
          render={(r: { direction: string }) => translate(`app.calls.direction.${r.direction}`)}
        />
        <TextField source="caller" sortable={false} />
        <TextField source="called" sortable={false} />
        <TextField source="municipalityId" sortable={false} emptyText="—" />
        <TextField source="state" sortable={false} />
        <TextField source="queue" sortable={false} emptyText="—" />
        <TextField source="agent" sortable={false} emptyText="—" />
        <NumberField source="waitSeconds" sortable={false} emptyText="—" />
        <FunctionField
          source="endCause"
          sortable={false}
          render={(r: { endCause: string | null }) => (r.endCause ? translate(`app.calls.endCause.${r.endCause}`) : '—')}
        />
      </Datagrid>
    </List>
  );
};
