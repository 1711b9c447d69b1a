import { Typography } from '@mui/material';
import { Datagrid, FunctionField, List, ReferenceInput, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { caseStatuses, channels } from '../../../domain/case.ts';
import { useChoices } from '../common/choices.ts';
import { SavedFilters } from '../common/SavedFilters.tsx';
import { StatusChip } from '../common/chips.tsx';
import { RomeDateField } from '../common/RomeDateField.tsx';
import { csvExporter } from '../common/csvExporter.ts';
import { ListPagination } from '../common/ListPagination.tsx';

const Empty = () => <Typography sx={{ p: 3 }}>{useTranslate()('app.cases.empty')}</Typography>;

export const CaseList = () => {
  const translate = useTranslate();
  const filters = [
    <SearchInput key="q" source="q" alwaysOn />,
    <SelectInput key="status" source="status" choices={useChoices('status', caseStatuses)} />,
    <ReferenceInput key="municipalityId" source="municipalityId" reference="municipalities">
      <SelectInput optionText="name" label="resources.cases.fields.municipalityId" />
    </ReferenceInput>,
    <SelectInput key="channel" source="channel" choices={useChoices('channel', channels)} />,
  ];
  return (
    <List
      pagination={<ListPagination />}
      exporter={csvExporter}
      filters={filters}
      sort={{ field: 'createdAt', order: 'DESC' }}
      empty={<Empty />}
      aside={
        <SavedFilters
          quick={[
            { label: 'app.status.open', value: { status: 'open' } },
            { label: 'app.stage.waiting-citizen', value: { stage: 'waiting-citizen' } },
            { label: 'app.sla.breached', value: { slaState: 'breached' } },
          ]}
        />
      }
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="id" />
        <RomeDateField source="createdAt" />
        <TextField source="municipalityName" sortable={false} />
        <TextField source="serviceName" sortable={false} />
        <FunctionField source="channel" sortable={false} render={(r: { channel: string }) => translate(`app.channel.${r.channel}`)} />
        <TextField source="subject" sortable={false} />
        <FunctionField source="status" render={(r: { status: string }) => <StatusChip status={r.status} />} />
      </Datagrid>
    </List>
  );
};
