import { Button } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import {
  Datagrid,
  FunctionField,
  List,
  NumberField,
  SelectInput,
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
import type { MessageRecord } from '../../../contracts/messages.ts';
import { csvExporter } from '../common/csvExporter.ts';
import { ListPagination } from '../common/ListPagination.tsx';

// The contract's values, listed here so that the console's bundle does not take zod in for them.
const messageStatuses: MessageRecord['status'][] = ['failed', 'queued', 'sending', 'sent', 'delivered', 'cancelled'];
const messageChannels: MessageRecord['channel'][] = ['email', 'sms', 'io', 'letter'];

/** Queues a failed message again (POST /api/messages/:id/retry); the list shows it leaving. */
const RetryButton = () => {
  const record = useRecordContext<MessageRecord>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const retry = useMutation({
    mutationFn: (id: number) => dataProvider.post(`messages/${id}/retry`, {}),
    onSuccess: () => {
      notify('app.messages.retried', { type: 'success' });
      refresh();
    },
    onError: (e: Error) => notify(e.message, { type: 'error' }),
  });
  if (record?.status !== 'failed') return null;
  return (
    <Button size="small" variant="outlined" disabled={retry.isPending} onClick={() => retry.mutate(record.id)}>
      {translate('app.messages.retry')}
    </Button>
  );
};

/** "Undelivered messages": the outbox's failed messages first (other statuses by filter), each with its reason and a retry. */
export const MessageList = () => {
  const translate = useTranslate();
  const choices = (values: readonly string[], prefix: string) => values.map((id) => ({ id, name: translate(`${prefix}.${id}`) }));
  const filters = [
    <SelectInput key="status" source="status" choices={choices(messageStatuses, 'app.messages.status')} alwaysOn />,
    <SelectInput key="channel" source="channel" choices={choices(messageChannels, 'app.messages.channel')} alwaysOn />,
    <TextInput key="caseId" source="caseId" alwaysOn />,
  ];
  return (
    <List
      pagination={<ListPagination />}
      exporter={csvExporter}
      filters={filters}
      filterDefaultValues={{ status: 'failed' }}
      sort={{ field: 'updatedAt', order: 'DESC' }}
      perPage={50}
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <RomeDateField source="updatedAt" />
        <FunctionField
          source="caseId"
          sortable={false}
          render={(r: MessageRecord) => (r.caseId ? <Link to={`/cases/${encodeURIComponent(r.caseId)}/show`}>{r.caseId}</Link> : '—')}
        />
        <FunctionField source="channel" sortable={false} render={(r: MessageRecord) => translate(`app.messages.channel.${r.channel}`)} />
        <TextField source="recipient" sortable={false} />
        <TextField source="subject" sortable={false} emptyText="—" />
        <FunctionField source="status" sortable={false} render={(r: MessageRecord) => translate(`app.messages.status.${r.status}`)} />
        <NumberField source="attempts" sortable={false} />
        <TextField source="lastError" sortable={false} emptyText="—" />
        <RetryButton />
      </Datagrid>
    </List>
  );
};
