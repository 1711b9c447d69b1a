import { Box, Button } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { useState } from 'react';
import { usePermissions, useNotify, useTranslate } from 'react-admin';
import { mayExportCitizens } from '../roles.ts';

type Format = 'json' | 'pdf';
const paths: Record<Format, string> = { json: 'export', pdf: 'export.pdf' };

/**
 * The citizen's right of access: everything held about their registry record, downloaded as JSON
 * or as a PDF to hand over (GET /api/citizens/:id/export[.pdf], on the session's cookie; the API
 * audits each download). Shown to those the API lets export (admin and auditor) only.
 */
export const CitizenExport = ({ citizenId }: { citizenId: string | null | undefined }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const { permissions: role } = usePermissions<string>();
  const [busy, setBusy] = useState<Format | null>(null);
  if (!citizenId || !mayExportCitizens(role)) return null;
  const download = async (format: Format) => {
    setBusy(format);
    try {
      const res = await fetch(`/api/citizens/${encodeURIComponent(citizenId)}/${paths[format]}`, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `cittadino-${citizenId}.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      notify(translate('app.citizenExport.failed', { reason: (e as Error).message }), { type: 'error' });
    } finally {
      setBusy(null);
    }
  };
  return (
    <Box role="group" aria-label={translate('app.citizenExport.label')} sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
      {(['json', 'pdf'] as const).map((format) => (
        <Button
          key={format}
          size="small"
          variant="outlined"
          startIcon={<DownloadIcon />}
          disabled={busy !== null}
          onClick={() => void download(format)}
        >
          {translate(`app.citizenExport.${format}`)}
        </Button>
      ))}
    </Box>
  );
};
