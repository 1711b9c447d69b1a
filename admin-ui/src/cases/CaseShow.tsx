import {
  ArrayField, Datagrid, DateField, FunctionField, Labeled, NumberField, Show, SimpleShowLayout, TextField,
  TopToolbar, useRecordContext,
} from 'react-admin';
import { romeDateTime } from './caseChoices.ts';
import { ResolveCase, TransferCase } from './CaseAction.tsx';

const Actions = () => {
  const record = useRecordContext<{ status: string; stage: string }>();
  // At the first level the operator closes or transfers; afterwards the office works the task.
  return <TopToolbar>{record?.status === 'open' && record.stage === 'intake' && <><TransferCase /><ResolveCase /></>}</TopToolbar>;
};

export const CaseShow = () => (
  <Show actions={<Actions />}>
    <SimpleShowLayout>
      <TextField source="id" />
      <TextField source="subject" />
      <TextField source="description" />
      <TextField source="municipalityName" label="Municipality" />
      <TextField source="serviceName" label="Service" />
      <TextField source="channel" />
      <TextField source="status" />
      <TextField source="stage" />
      <TextField source="outcome" emptyText="—" />
      <TextField source="citizen.name" label="Citizen" emptyText="—" />
      <TextField source="citizen.phone" label="Phone" emptyText="—" />
      <TextField source="citizen.email" label="E-mail" emptyText="—" />
      <TextField source="citizen.fiscalCode" label="Fiscal code" emptyText="—" />
      <Labeled label="Service details">
        <FunctionField render={(r: { details?: Record<string, unknown> }) =>
          Object.entries(r.details ?? {}).map(([k, v]) => `${k}: ${String(v)}`).join(' · ') || '—'} />
      </Labeled>
      <NumberField source="definitionVersion" label="Definition version" emptyText="—" />
      <DateField source="createdAt" label="Opened" {...romeDateTime} />
      <DateField source="updatedAt" label="Updated" {...romeDateTime} />
      <DateField source="resolvedAt" label="Resolved" emptyText="—" {...romeDateTime} />
      <ArrayField source="tasks" label="Office tasks">
        <Datagrid bulkActionButtons={false} rowClick={false} empty={<span>Not transferred to an office</span>}>
          <TextField source="officeName" label="Office" />
          <TextField source="status" />
          <TextField source="assignee" emptyText="—" />
          <DateField source="warningAt" label="Warning" {...romeDateTime} />
          <DateField source="dueAt" label="Due" {...romeDateTime} />
          <TextField source="slaState" label="SLA" />
        </Datagrid>
      </ArrayField>
      <ArrayField source="events" label="Timeline">
        <Datagrid bulkActionButtons={false} rowClick={false}>
          <NumberField source="seq" label="#" />
          <DateField source="at" label="When" {...romeDateTime} />
          <TextField source="type" label="Event" />
          <TextField source="stage" />
          <TextField source="actor" emptyText="system" />
          <FunctionField label="Details" render={(e: { data: object }) => <code>{JSON.stringify(e.data)}</code>} />
        </Datagrid>
      </ArrayField>
    </SimpleShowLayout>
  </Show>
);
