import { Button, Card, CardContent, Link as MuiLink, Stack, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { temporalWorkflowUrl } from '../authProvider.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

const auditFilterUrl = (caseId: string) => `/audit?filter=${encodeURIComponent(JSON.stringify({ targetId: caseId }))}`;

/** Offers a file to the browser's downloads. */
function download(name: string, content: string, type: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Beside a case's timeline, for auditors: its workflow in the Temporal UI (the event history the
 * timeline is recorded from), its audit records, and the whole history as one JSON file.
 */
export const CaseHistoryPanel = () => {
  const record = useRecordContext<{ id: string }>();
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const exportHistory = useMutation({
    mutationFn: async (id: string) => {
      const range = encodeURIComponent('[0,999]');
      const [detail, audit] = await Promise.all([
        dataProvider.get(`cases/${encodeURIComponent(id)}`),
        dataProvider.get(
          `audit?filter=${encodeURIComponent(JSON.stringify({ targetId: id }))}&sort=${encodeURIComponent('["at","ASC"]')}&range=${range}`,
        ),
      ]);
      download(`${id}.json`, JSON.stringify({ exportedAt: new Date().toISOString(), case: detail, audit }, null, 2), 'application/json');
    },
    onSuccess: () => notify('app.audit.exported', { type: 'success' }),
    onError: (e: Error) => notify(e.message, { type: 'error' }),
  });
  if (!record) return null;
  const temporal = temporalWorkflowUrl(record.id);
  return (
    <Card component="aside" aria-labelledby="case-history" sx={{ ml: 2, mt: 8, width: 300, flexShrink: 0, alignSelf: 'flex-start' }}>
      <CardContent>
        <Typography id="case-history" component="h2" variant="h6">
          {translate('app.audit.panel.title')}
        </Typography>
        <Stack spacing={1.5} sx={{ mt: 1 }}>
          <Typography variant="body2">{translate('app.audit.panel.workflow', { id: record.id })}</Typography>
          {temporal ? (
            <MuiLink href={temporal} target="_blank" rel="noopener">
              {translate('app.audit.panel.temporal')}
            </MuiLink>
          ) : (
            <Typography variant="body2">{translate('app.audit.panel.noTemporal')}</Typography>
          )}
          <MuiLink component={Link} to={auditFilterUrl(record.id)}>
            {translate('app.audit.panel.records')}
          </MuiLink>
          <Button variant="outlined" disabled={exportHistory.isPending} onClick={() => exportHistory.mutate(record.id)}>
            {translate('app.audit.panel.export')}
          </Button>
        </Stack>
      </CardContent>
    </Card>
  );
};
