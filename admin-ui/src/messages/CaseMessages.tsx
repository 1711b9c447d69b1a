import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Labeled, useDataProvider, useLocale, useRecordContext, useTranslate } from 'react-admin';
import { formatDateTime } from '../common/time.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';
import type { MessageRecord } from '../../../contracts/messages.ts';

/** The messages a case sent (GET /api/cases/:id/messages): channel, recipient, how far each got and why not. */
export const CaseMessages = () => {
  const record = useRecordContext<{ id: string }>();
  const translate = useTranslate();
  const locale = useLocale();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const { data } = useQuery({
    queryKey: ['case-messages', record?.id],
    enabled: Boolean(record),
    queryFn: () => dataProvider.get<MessageRecord[]>(`cases/${encodeURIComponent(record!.id)}/messages?range=[0,199]`),
  });
  const f = (field: string) => translate(`resources.messages.fields.${field}`);
  return (
    <Labeled label="app.messages.ofCase">
      {!data?.length ? (
        <Typography variant="body2">{translate('app.messages.none')}</Typography>
      ) : (
        <Table size="small">
          <TableHead>
            <TableRow>
              {['updatedAt', 'channel', 'recipient', 'status', 'lastError'].map((k) => (
                <TableCell key={k}>{f(k)}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {data.map((m) => (
              <TableRow key={m.id}>
                <TableCell>{formatDateTime(m.updatedAt, locale)}</TableCell>
                <TableCell>{translate(`app.messages.channel.${m.channel}`)}</TableCell>
                <TableCell>{m.recipient}</TableCell>
                <TableCell>{translate(`app.messages.status.${m.status}`)}</TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere' }}>{m.lastError ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Labeled>
  );
};
