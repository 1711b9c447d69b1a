import { Chip, Stack, Typography } from '@mui/material';
import type { ReactElement } from 'react';
import { Datagrid, FunctionField, List, ReferenceInput, SelectInput, TextField, usePermissions, useTranslate } from 'react-admin';
import { SavedFilters } from '../common/SavedFilters.tsx';
import { type SlaState, SlaChip } from '../common/chips.tsx';
import { useChoices } from '../common/choices.ts';
import { RomeDateField } from '../common/RomeDateField.tsx';
import { mayBulkReassign } from '../roles.ts';
import { BulkReassign, TaskActions } from './TaskActions.tsx';
import { csvExporter } from '../common/csvExporter.ts';
import { ListPagination } from '../common/ListPagination.tsx';

const slaStates = ['on-track', 'warning', 'breached'] as const;

/** Tasks most urgent first: due time, its state in words and colour, and what can be done with each. */
export const TaskGrid = ({ bulk, empty }: { bulk: boolean; empty?: ReactElement }) => {
  const translate = useTranslate();
  return (
    <Datagrid rowClick={false} bulkActionButtons={bulk ? <BulkReassign /> : false} empty={empty}>
      <TextField source="caseId" />
      <TextField source="subject" sortable={false} />
      <TextField source="serviceName" sortable={false} />
      <FunctionField source="status" sortable={false} render={(r: { status: string }) => translate(`app.taskStatus.${r.status}`)} />
      <TextField source="assignee" emptyText="—" sortable={false} />
      <RomeDateField source="dueAt" />
      <FunctionField
        source="slaState"
        sortable={false}
        render={(r: { slaState: SlaState; dueAt: string; escalated: boolean }) => (
          <Stack direction="row" spacing={0.5}>
            <SlaChip state={r.slaState} dueAt={r.dueAt} />
            {r.escalated && <Chip size="small" color="error" variant="outlined" label={translate('app.tasks.escalated')} />}
          </Stack>
        )}
      />
      <TaskActions />
    </Datagrid>
  );
};

const Empty = ({ text }: { text: string }) => <Typography sx={{ p: 3 }}>{useTranslate()(text)}</Typography>;

export const MyTasks = () => (
  <List
    pagination={<ListPagination />}
    exporter={csvExporter}
    resource="tasks"
    filter={{ mine: true }}
    sort={{ field: 'dueAt', order: 'ASC' }}
    title="app.menu.myTasks"
    empty={<Empty text="app.tasks.myEmpty" />}
    disableSyncWithLocation
    storeKey="my-tasks"
  >
    <TaskGrid bulk={false} />
  </List>
);

export const OfficeQueue = () => {
  const { permissions: role } = usePermissions<string>();
  const filters = [
    <SelectInput key="status" source="status" choices={useChoices('taskStatus', ['open', 'claimed'])} alwaysOn />,
    <SelectInput key="slaState" source="slaState" choices={useChoices('sla', slaStates)} alwaysOn />,
    // Back-office staff see their own office only; supervisors choose.
    ...(role === 'backoffice'
      ? []
      : [
          <ReferenceInput key="officeId" source="officeId" reference="offices" alwaysOn>
            <SelectInput optionText="name" label="resources.tasks.fields.officeId" />
          </ReferenceInput>,
        ]),
  ];
  return (
    <List
      pagination={<ListPagination />}
      exporter={csvExporter}
      filters={filters}
      sort={{ field: 'dueAt', order: 'ASC' }}
      title="app.menu.officeQueue"
      empty={<Empty text="app.tasks.queueEmpty" />}
      aside={
        <SavedFilters
          quick={[
            { label: 'app.sla.breached', value: { slaState: 'breached' } },
            { label: 'app.sla.warning', value: { slaState: 'warning' } },
            { label: 'app.tasks.escalated', value: { escalated: true } },
          ]}
        />
      }
    >
      <TaskGrid bulk={mayBulkReassign(role)} />
    </List>
  );
};
