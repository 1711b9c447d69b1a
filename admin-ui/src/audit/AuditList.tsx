import { Alert, Button as MuiButton, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { Datagrid, DateTimeInput, FunctionField, List, TextField, TextInput, TopToolbar, useDataProvider, useTranslate } from 'react-admin';
import { RomeDateField } from '../common/RomeDateField.tsx';
import { instantOfRomeInput, romeInputOf } from '../common/time.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';
import type { AuditVerification } from '../../../contracts/audit.ts';
import { csvExporter } from '../common/csvExporter.ts';

/** Recomputes the hash chains and says the result in words: intact, or the first broken link. */
const VerifyChains = () => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const verify = useMutation({ mutationFn: () => dataProvider.get<AuditVerification>('audit/verify') });
  const r = verify.data;
  return (
    <>
      <MuiButton variant="contained" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {translate('app.audit.verify.label')}
      </MuiButton>
      <div role="status" aria-live="polite">
        {verify.error && <Alert severity="error">{verify.error.message}</Alert>}
        {r &&
          (r.ok ? (
            <>
              <Alert severity="success">{translate('app.audit.verify.ok', { records: r.records, chains: r.chains })}</Alert>
              {r.pending > 0 && (
                <Typography variant="body2">{translate('app.audit.verify.pending', { smart_count: r.pending })}</Typography>
              )}
            </>
          ) : (
            <Alert severity="error">
              {translate('app.audit.verify.broken', { chain: r.firstBreak!.chain, seq: r.firstBreak!.seq, reason: r.firstBreak!.reason })}
            </Alert>
          ))}
      </div>
    </>
  );
};

// The API filters by instants with their offset; the picker holds Rome's wall clock.
const romeInstant = {
  parse: (v: string) => (v ? (instantOfRomeInput(v) ?? v) : undefined),
  format: (v?: string) => (v ? romeInputOf(v) : ''),
};

const Empty = () => <Typography sx={{ p: 3 }}>{useTranslate()('app.audit.empty')}</Typography>;

/** The audit log, newest first, filtered by who acted, on what, and when. */
export const AuditList = () => {
  const filters = [
    <TextInput key="actor" source="actor" alwaysOn />,
    <TextInput key="targetId" source="targetId" alwaysOn />,
    <TextInput key="action" source="action" />,
    <DateTimeInput key="from" source="from" {...romeInstant} />,
    <DateTimeInput key="to" source="to" {...romeInstant} />,
  ];
  return (
    <List
      exporter={csvExporter}
      filters={filters}
      sort={{ field: 'at', order: 'DESC' }}
      perPage={50}
      empty={<Empty />}
      actions={
        <TopToolbar sx={{ alignItems: 'center', gap: 1 }}>
          <VerifyChains />
        </TopToolbar>
      }
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <RomeDateField source="at" />
        <TextField source="actor" sortable={false} />
        <TextField source="role" sortable={false} emptyText="—" />
        <TextField source="action" sortable={false} />
        <FunctionField
          source="targetId"
          sortable={false}
          render={(r: { targetType: string; targetId: string }) =>
            r.targetType === 'case' ? (
              <Link to={`/cases/${encodeURIComponent(r.targetId)}/show`}>{r.targetId}</Link>
            ) : (
              `${r.targetType} ${r.targetId}`
            )
          }
        />
        <TextField source="municipalityId" sortable={false} emptyText="—" />
        <FunctionField
          source="chain"
          sortable={false}
          render={(r: { chain: string; seq: number | null }) => `${r.chain} #${r.seq ?? '…'}`}
        />
        <FunctionField source="hash" sortable={false} render={(r: { hash: string }) => <code>{r.hash.slice(0, 12)}</code>} />
      </Datagrid>
    </List>
  );
};
