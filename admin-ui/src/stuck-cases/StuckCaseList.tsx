import { Button } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import {
  BooleanInput,
  Datagrid,
  FunctionField,
  List,
  NumberField,
  TextField,
  TextInput,
  useDataProvider,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { RomeDateField } from '../common/RomeDateField.tsx';
import type { SportelloDataProvider } from '../dataProvider.ts';
import type { StuckCase } from '../../../contracts/stuck-cases.ts';
import { ListPagination } from '../common/ListPagination.tsx';

/** Tells the case's workflow to try its stuck writes again (POST /api/stuck-cases/:caseId/retry). */
const RetryButton = () => {
  const record = useRecordContext<StuckCase>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const retry = useMutation({
    mutationFn: (caseId: string) => dataProvider.post(`stuck-cases/${encodeURIComponent(caseId)}/retry`, {}),
    onSuccess: () => {
      notify('app.stuckCases.retried', { type: 'success' });
      refresh();
    },
    onError: (e: Error) => notify(e.message, { type: 'error' }),
  });
  if (!record || record.resolvedAt) return null;
  return (
    <Button size="small" variant="outlined" disabled={retry.isPending} onClick={() => retry.mutate(record.caseId)}>
      {translate('app.stuckCases.retry')}
    </Button>
  );
};

/**
 * "Stuck cases": cases whose write to the database failed for good (a constraint, an encoding) or
 * kept failing, open ones first; once the cause is removed, Retry writes them.
 */
export const StuckCaseList = () => {
  const translate = useTranslate();
  const filters = [<BooleanInput key="resolved" source="resolved" alwaysOn />, <TextInput key="caseId" source="caseId" alwaysOn />];
  return (
    <List
      pagination={<ListPagination />}
      exporter={false}
      filters={filters}
      filterDefaultValues={{ resolved: false }}
      sort={{ field: 'lastSeenAt', order: 'DESC' }}
      perPage={50}
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <RomeDateField source="lastSeenAt" />
        <FunctionField
          source="caseId"
          sortable={false}
          render={(r: StuckCase) => <Link to={`/cases/${encodeURIComponent(r.caseId)}/show`}>{r.caseId}</Link>}
        />
        <TextField source="municipalityId" sortable={false} />
        <TextField source="activity" sortable={false} />
        <FunctionField
          source="errorType"
          sortable={false}
          render={(r: StuckCase) => translate(`app.stuckCases.errorType.${r.errorType}`, { _: r.errorType })}
        />
        <TextField source="errorCode" sortable={false} />
        <NumberField source="attempts" />
        <RomeDateField source="firstSeenAt" />
        <RomeDateField source="retryRequestedAt" sortable={false} />
        <RomeDateField source="resolvedAt" sortable={false} />
        <RetryButton />
      </Datagrid>
    </List>
  );
};
