import { Typography } from '@mui/material';
import { Datagrid, FunctionField, List, NumberField, SelectInput, TextField, TextInput, useTranslate } from 'react-admin';
import { RomeDateField } from '../common/RomeDateField.tsx';
import { VersionStatusChip } from './DefinitionParts.tsx';
import { csvExporter } from '../common/csvExporter.ts';

const Empty = () => <Typography sx={{ p: 3 }}>{useTranslate()('app.definitions.empty')}</Typography>;

/** Every version of every service the caller's municipalities offer, with the cases on each. */
export const DefinitionList = () => {
  const translate = useTranslate();
  const filters = [
    <TextInput key="serviceCode" source="serviceCode" alwaysOn />,
    <SelectInput
      key="status"
      source="status"
      alwaysOn
      choices={(['draft', 'published'] as const).map((id) => ({ id, name: translate(`app.definitions.status.${id}`) }))}
    />,
  ];
  return (
    <List exporter={csvExporter} filters={filters} sort={{ field: 'serviceCode', order: 'ASC' }} empty={<Empty />} perPage={50}>
      <Datagrid
        bulkActionButtons={false}
        rowClick={(_id, _resource, r) => `/definitions/${encodeURIComponent(r.serviceCode)}/${r.version}`}
      >
        <TextField source="serviceName" sortable={false} />
        <TextField source="serviceCode" />
        <NumberField source="version" />
        <FunctionField
          source="status"
          sortable={false}
          render={(r: { status: 'draft' | 'published' }) => <VersionStatusChip status={r.status} />}
        />
        <RomeDateField source="publishedAt" />
        <NumberField source="caseCount" sortable={false} />
      </Datagrid>
    </List>
  );
};
