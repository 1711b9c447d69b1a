import { Link, List, ListItem, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useDataProvider, useRecordContext, useTranslate } from 'react-admin';
import type { SportelloDataProvider } from '../dataProvider.ts';

interface Attachment {
  id: string;
  source: string;
  fileName: string;
  contentType: string;
  size: number;
}

const sizeOf = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The files the citizen sent with the case (e-mail attachments, Open311 media, page uploads). Each
 * is a plain link: the API answers it as a download with the session cookie, never inline.
 */
export const CaseAttachments = () => {
  const record = useRecordContext<{ id: string }>();
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const { data, isPending, error } = useQuery({
    queryKey: ['case-attachments', record?.id],
    queryFn: () => dataProvider.get<Attachment[]>(`cases/${encodeURIComponent(record!.id)}/attachments`),
    enabled: !!record,
  });
  if (!record) return null;
  return (
    <section aria-labelledby="case-attachments">
      <Typography id="case-attachments" component="h2" variant="subtitle2" color="text.secondary">
        {translate('app.cases.attachments.title')}
      </Typography>
      {isPending ? (
        <Typography variant="body2">{translate('app.cases.attachments.loading')}</Typography>
      ) : error ? (
        <Typography variant="body2" color="error">
          {error.message}
        </Typography>
      ) : data.length === 0 ? (
        <Typography variant="body2">{translate('app.cases.attachments.none')}</Typography>
      ) : (
        <List dense disablePadding>
          {data.map((a) => (
            <ListItem key={a.id} disableGutters>
              <Link href={`/api/attachments/${encodeURIComponent(a.id)}`} download={a.fileName}>
                {translate('app.cases.attachments.download', {
                  name: a.fileName,
                  size: sizeOf(a.size),
                  source: translate(`app.cases.attachments.source.${a.source}`, { _: a.source }),
                })}
              </Link>
            </ListItem>
          ))}
        </List>
      )}
    </section>
  );
};
