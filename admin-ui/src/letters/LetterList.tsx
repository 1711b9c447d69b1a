import { Button } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import MarkEmailReadIcon from '@mui/icons-material/MarkEmailRead';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  Datagrid,
  FunctionField,
  List,
  SelectInput,
  TextInput,
  useDataProvider,
  useNotify,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import type { Letter } from '../../../contracts/notifications.ts';
import { ActionDialog } from '../common/ActionDialog.tsx';
import { ListPagination } from '../common/ListPagination.tsx';
import { RomeDateField } from '../common/RomeDateField.tsx';
import type { SportelloDataProvider } from '../dataProvider.ts';

// The contract's values, listed here so that the console's bundle does not take zod in for them.
const letterStatuses: Letter['status'][] = ['to-print', 'posted'];

/** Downloads the letter's PDF (GET /api/letters/:id/pdf, on the session's cookie) under the case's number. */
const DownloadButton = () => {
  const record = useRecordContext<Letter>();
  const translate = useTranslate();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  if (!record) return null;
  const download = async () => {
    setBusy(true);
    try {
      const res = await fetch(`/api/letters/${encodeURIComponent(record.id)}/pdf`, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `lettera-${record.caseId ?? record.id}.pdf`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      notify(translate('app.letters.downloadFailed', { reason: (e as Error).message }), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="small" variant="outlined" startIcon={<DownloadIcon />} disabled={busy} onClick={() => void download()}>
      {translate('app.letters.download')}
    </Button>
  );
};

/** Marks the letter posted, after a confirmation (POST /api/letters/:id/posted; audited by the API). */
const PostedButton = () => {
  const record = useRecordContext<Letter>();
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  if (!record || record.status !== 'to-print') return null;
  return (
    <ActionDialog
      label={translate('app.letters.markPosted')}
      icon={<MarkEmailReadIcon />}
      title={translate('app.letters.confirmPosted', {
        case: record.caseId ?? '—',
        recipient: record.recipientName ?? record.address.split('\n')[0],
      })}
      fields={[]}
      done={translate('app.letters.posted')}
      run={() => dataProvider.post(`letters/${encodeURIComponent(record.id)}/posted`, {})}
    />
  );
};

/** "Print queue": the letters to print (posted ones by filter), each with its PDF and a "posted" mark. */
export const LetterList = () => {
  const translate = useTranslate();
  const filters = [
    <SelectInput
      key="status"
      source="status"
      choices={letterStatuses.map((id) => ({ id, name: translate(`app.letters.status.${id}`) }))}
      alwaysOn
    />,
    <TextInput key="caseId" source="caseId" alwaysOn />,
  ];
  return (
    <List
      pagination={<ListPagination />}
      exporter={false}
      filters={filters}
      filterDefaultValues={{ status: 'to-print' }}
      sort={{ field: 'createdAt', order: 'ASC' }}
      perPage={50}
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <RomeDateField source="createdAt" />
        <FunctionField
          source="caseId"
          sortable={false}
          render={(r: Letter) => (r.caseId ? <Link to={`/cases/${encodeURIComponent(r.caseId)}/show`}>{r.caseId}</Link> : '—')}
        />
        <FunctionField
          source="recipientName"
          sortable={false}
          render={(r: Letter) => <span style={{ whiteSpace: 'pre-line' }}>{[r.recipientName, r.address].filter(Boolean).join('\n')}</span>}
        />
        <FunctionField source="subject" sortable={false} render={(r: Letter) => r.subject ?? '—'} />
        <FunctionField source="status" sortable={false} render={(r: Letter) => translate(`app.letters.status.${r.status}`)} />
        <RomeDateField source="postedAt" sortable={false} emptyText="—" />
        <DownloadButton />
        <PostedButton />
      </Datagrid>
    </List>
  );
};
