import {
  ArrayField,
  Datagrid,
  FunctionField,
  Labeled,
  NumberField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { CaseHistoryPanel } from '../audit/CaseHistoryPanel.tsx';
import { type SlaState, SlaChip, StatusChip } from '../common/chips.tsx';
import { RomeDateField } from '../common/RomeDateField.tsx';
import { CaseMessages } from '../messages/CaseMessages.tsx';
import { mayActOnCase, mayAddNotes, mayAudit, mayExportCitizens } from '../roles.ts';
import { AddNote, ResolveCase, ScheduleCallback, TransferCase, WithdrawCase } from './CaseAction.tsx';
import { CaseAttachments } from './CaseAttachments.tsx';
import { CitizenExport } from '../citizens/CitizenExport.tsx';

/**
 * What the caller's role may do where the case stands: at the first level the operator closes or
 * transfers; while it is open the citizen may withdraw or be called back; notes until it is closed.
 */
const Actions = () => {
  const record = useRecordContext<{ status: string; stage: string }>();
  const { permissions: role } = usePermissions<string>();
  if (!record) return <TopToolbar />;
  const open = record.status === 'open';
  const front = mayActOnCase(role);
  return (
    <TopToolbar>
      {mayAddNotes(role) && record.stage !== 'closed' && <AddNote />}
      {front && open && (
        <>
          <ScheduleCallback />
          <WithdrawCase />
        </>
      )}
      {front && open && record.stage === 'intake' && (
        <>
          <TransferCase />
          <ResolveCase />
        </>
      )}
    </TopToolbar>
  );
};

export const CaseShow = () => {
  const translate = useTranslate();
  const t = (group: string) => (value: string | null) => (value ? translate(`app.${group}.${value}`, { _: value }) : '—');
  const { permissions: role } = usePermissions<string>();
  return (
    <Show actions={<Actions />} aside={mayAudit(role) ? <CaseHistoryPanel /> : undefined}>
      <SimpleShowLayout>
        <TextField source="id" />
        <TextField source="subject" />
        <TextField source="description" />
        <TextField source="municipalityName" />
        <TextField source="serviceName" />
        <FunctionField source="channel" render={(r: { channel: string }) => t('channel')(r.channel)} />
        <FunctionField source="status" render={(r: { status: string }) => <StatusChip status={r.status} />} />
        <FunctionField source="stage" render={(r: { stage: string }) => t('stage')(r.stage)} />
        <FunctionField source="outcome" render={(r: { outcome: string | null }) => t('outcome')(r.outcome)} />
        <TextField source="citizen.name" emptyText="—" />
        <TextField source="citizen.phone" emptyText="—" />
        <TextField source="citizen.email" emptyText="—" />
        <TextField source="citizen.fiscalCode" emptyText="—" />
        <TextField source="citizen.address" emptyText="—" sx={{ whiteSpace: 'pre-line' }} />
        {mayExportCitizens(role) && (
          <Labeled label="app.citizenExport.label">
            <FunctionField render={(r: { citizenId: string | null }) => (r.citizenId ? <CitizenExport citizenId={r.citizenId} /> : '—')} />
          </Labeled>
        )}
        <Labeled label="app.cases.serviceDetails">
          <FunctionField
            render={(r: { details?: Record<string, unknown> }) =>
              Object.entries(r.details ?? {})
                .map(([k, v]) => `${k}: ${String(v)}`)
                .join(' · ') || '—'
            }
          />
        </Labeled>
        <CaseAttachments />
        <NumberField source="definitionVersion" emptyText="—" />
        <RomeDateField source="createdAt" />
        <RomeDateField source="updatedAt" />
        <RomeDateField source="resolvedAt" />
        <ArrayField source="tasks">
          <Datagrid bulkActionButtons={false} rowClick={false} empty={<span>{translate('app.cases.notTransferred')}</span>}>
            <TextField source="officeName" />
            <FunctionField source="status" render={(r: { status: string }) => translate(`app.taskStatus.${r.status}`)} />
            <TextField source="assignee" emptyText="—" />
            <RomeDateField source="warningAt" />
            <RomeDateField source="dueAt" />
            <FunctionField source="slaState" render={(r: { slaState: SlaState }) => <SlaChip state={r.slaState} />} />
          </Datagrid>
        </ArrayField>
        <CaseMessages />
        <ArrayField source="events">
          <Datagrid bulkActionButtons={false} rowClick={false}>
            <NumberField source="seq" />
            <RomeDateField source="at" />
            <TextField source="type" />
            <FunctionField source="stage" render={(r: { stage: string }) => t('stage')(r.stage)} />
            <NumberField source="definitionVersion" emptyText="—" />
            <TextField source="actor" emptyText={translate('app.cases.system')} />
            <FunctionField
              source="data"
              render={(e: { data: object }) => <code style={{ overflowWrap: 'anywhere' }}>{JSON.stringify(e.data)}</code>}
            />
          </Datagrid>
        </ArrayField>
      </SimpleShowLayout>
    </Show>
  );
};
