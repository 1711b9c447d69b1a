import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { useSearchParams } from 'react-router-dom';
import { useTranslate } from 'react-admin';
import { useKpi } from './api.ts';
import { addDays, apiQuery, type KpiFilters, romeDate, withParam } from './query.ts';

const formats = ['pdf', 'csv', 'xlsx'] as const;

/** Last month, the one a monthly report is usually about. */
const lastMonth = () => addDays(`${romeDate().slice(0, 7)}-01`, -1).slice(0, 7);

/** The city's monthly report: a month, and the report as PDF with its data as CSV and XLSX. */
export const MonthlyReport = ({ filters }: { filters: KpiFilters }) => {
  const translate = useTranslate();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : lastMonth();
  const query = (format: string) => apiQuery({ month, format, ...filters.scope });
  // The JSON answer only tells whether this API has the report yet and whether the month is valid.
  const probe = useKpi<unknown>(`kpi/report?${query('json')}`);
  return (
    <Box component="section" aria-labelledby="kpi-report-title">
      <Typography id="kpi-report-title" component="h2" variant="h6" gutterBottom>{translate('kpi.section.report')}</Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>{translate('kpi.report.help')}</Typography>
      <TextField type="month" size="small" name="month" label={translate('kpi.report.month')} value={month}
        onChange={(e) => e.target.value && setParams(withParam(params, 'month', e.target.value))}
        slotProps={{ inputLabel: { shrink: true } }} sx={{ mb: 2 }} />
      {probe.unavailable && <Alert severity="info">{translate('kpi.unavailable')}</Alert>}
      {probe.error && <Alert severity="error">{probe.error}</Alert>}
      {!probe.unavailable && !probe.error && (
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {formats.map((f) => (
            <Button key={f} variant={f === 'pdf' ? 'contained' : 'outlined'} startIcon={<DownloadIcon />} href={`/api/kpi/report?${query(f)}`} download
              disabled={probe.isPending}>
              {translate(`kpi.report.${f}`)}
            </Button>
          ))}
        </Box>
      )}
    </Box>
  );
};
