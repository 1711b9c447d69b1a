import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { useSearchParams } from 'react-router-dom';
import { useLocale, useTranslate } from 'react-admin';
import type { MonthlyReport as Report } from '../../../contracts/kpi.ts';
import { type DefinitionOf, useKpi } from './api.ts';
import { Figure } from './Figure.tsx';
import { formatValue } from './format.ts';
import { addDays, apiQuery, type KpiFilters, romeDate, withParam } from './query.ts';

const formats = ['pdf', 'csv', 'xlsx'] as const;

/** Last month, the one a monthly report is usually about. */
const lastMonth = () => addDays(`${romeDate().slice(0, 7)}-01`, -1).slice(0, 7);

/** The report's figures on the page, as the PDF has them: the month's KPIs against last year, and the top services. */
const ReportPreview = ({ report, definitionOf }: { report: Report; definitionOf: DefinitionOf }) => {
  const translate = useTranslate();
  const locale = useLocale();
  const change = (c: number | null) => (c === null ? '—' : `${c > 0 ? '+' : ''}${formatValue(c, 'ratio', locale)}`);
  const month = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${report.month}-01T12:00:00Z`),
  );
  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mt: 3 }}>
      <Figure
        title={translate('kpi.report.kpis', { month })}
        description=""
        tableOnly
        rows={report.kpis}
        rowKey={(k) => k.id}
        columns={[
          { key: 'kpi', label: translate('kpi.report.kpi'), render: (k) => definitionOf(k.id).label },
          { key: 'value', label: month, numeric: true, render: (k) => formatValue(k.value, k.unit, locale) },
          {
            key: 'lastYear',
            label: translate('kpi.report.lastYear'),
            numeric: true,
            render: (k) => formatValue(k.lastYear, k.unit, locale),
          },
          { key: 'change', label: translate('kpi.report.change'), numeric: true, render: (k) => change(k.change) },
        ]}
      />
      <Figure
        title={translate('kpi.report.topServices')}
        description=""
        tableOnly
        rows={report.topServices}
        rowKey={(s) => s.serviceCode}
        columns={[
          { key: 'service', label: translate('kpi.report.service'), render: (s) => s.name ?? s.serviceCode },
          {
            key: 'cases',
            label: definitionOf('casesOpened').label,
            numeric: true,
            render: (s) => formatValue(s.casesOpened, 'count', locale),
          },
          { key: 'share', label: translate('kpi.report.share'), numeric: true, render: (s) => formatValue(s.share, 'ratio', locale) },
        ]}
      />
    </Box>
  );
};

/** The city's monthly report: a month, its figures on the page, and the report as PDF with its data as CSV and XLSX. */
export const MonthlyReport = ({ filters, definitionOf }: { filters: KpiFilters; definitionOf: DefinitionOf }) => {
  const translate = useTranslate();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : lastMonth();
  const query = (format: string) => apiQuery({ month, format, ...filters.scope });
  const probe = useKpi<Report>(`kpi/report?${query('json')}`);
  return (
    <Box component="section" aria-labelledby="kpi-report-title">
      <Typography id="kpi-report-title" component="h2" variant="h6" gutterBottom>
        {translate('kpi.section.report')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        {translate('kpi.report.help')}
      </Typography>
      <TextField
        type="month"
        size="small"
        name="month"
        label={translate('kpi.report.month')}
        value={month}
        onChange={(e) => e.target.value && setParams(withParam(params, 'month', e.target.value))}
        slotProps={{ inputLabel: { shrink: true } }}
        sx={{ mb: 2 }}
      />
      {probe.unavailable && <Alert severity="info">{translate('kpi.unavailable')}</Alert>}
      {probe.error && <Alert severity="error">{probe.error}</Alert>}
      {!probe.unavailable && !probe.error && (
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {formats.map((f) => (
            <Button
              key={f}
              variant={f === 'pdf' ? 'contained' : 'outlined'}
              startIcon={<DownloadIcon />}
              href={`/api/kpi/report?${query(f)}`}
              download
              disabled={probe.isPending}
            >
              {translate(`kpi.report.${f}`)}
            </Button>
          ))}
        </Box>
      )}
      {probe.data && <ReportPreview report={probe.data} definitionOf={definitionOf} />}
    </Box>
  );
};
