import { Chip } from '@mui/material';
import {
  Datagrid, DateField, FunctionField, List, ReferenceInput, SearchInput, SelectInput, TextField,
} from 'react-admin';
import { channelChoices, romeDateTime, statusChoices } from './caseChoices.ts';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="status" source="status" choices={statusChoices} />,
  <ReferenceInput key="municipalityId" source="municipalityId" reference="municipalities">
    <SelectInput optionText="name" />
  </ReferenceInput>,
  <SelectInput key="channel" source="channel" choices={channelChoices} />,
];

const Empty = () => (
  <p style={{ padding: 24 }}>No cases yet: cases opened by operators, Open311 or the phone line appear here.</p>
);

export const CaseList = () => (
  <List filters={filters} sort={{ field: 'createdAt', order: 'DESC' }} empty={<Empty />}>
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="id" />
      <DateField source="createdAt" label="Opened" {...romeDateTime} />
      <TextField source="municipalityName" label="Municipality" sortable={false} />
      <TextField source="serviceName" label="Service" sortable={false} />
      <TextField source="channel" sortable={false} />
      <TextField source="subject" sortable={false} />
      <FunctionField source="status" render={(r: { status: string }) =>
        <Chip size="small" label={r.status} color={r.status === 'open' ? 'warning' : 'success'} />} />
    </Datagrid>
  </List>
);
