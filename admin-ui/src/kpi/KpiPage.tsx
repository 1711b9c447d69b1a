import { Box, Tab, Tabs, Typography } from '@mui/material';
import { useSearchParams } from 'react-router-dom';
import { Title, useTranslate } from 'react-admin';
import { useDefinitions } from './api.ts';
import { Calls } from './Calls.tsx';
import { Filters } from './Filters.tsx';
import { MonthlyReport } from './MonthlyReport.tsx';
import { useReference } from './names.ts';
import { Overview } from './Overview.tsx';
import { readFilters, withParam } from './query.ts';
import { StaffingPlan } from './StaffingPlan.tsx';

const tabs = ['cases', 'calls', 'staffing', 'report'] as const;

/** The management dashboard ("cruscotto KPI"): one page, its tab and filters in the URL. */
export const KpiPage = () => {
  const translate = useTranslate();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const definitionOf = useDefinitions();
  const reference = useReference();
  const tab = tabs.find((t) => t === params.get('tab')) ?? 'cases';
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="kpi.title" />
      <Typography component="h1" variant="h5" gutterBottom>
        {translate('kpi.title')}
      </Typography>
      <Filters filters={filters} reference={reference} />
      <Tabs
        value={tab}
        onChange={(_, t: string) => setParams(withParam(params, 'tab', t === 'cases' ? '' : t))}
        aria-label={translate('kpi.title')}
        variant="scrollable"
        sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}
      >
        {tabs.map((t) => (
          <Tab key={t} value={t} label={translate(`kpi.tab.${t}`)} id={`kpi-tab-${t}`} aria-controls="kpi-panel" />
        ))}
      </Tabs>
      <Box role="tabpanel" id="kpi-panel" aria-labelledby={`kpi-tab-${tab}`}>
        {tab === 'cases' && <Overview filters={filters} definitionOf={definitionOf} reference={reference} />}
        {tab === 'calls' && <Calls filters={filters} definitionOf={definitionOf} />}
        {tab === 'staffing' && <StaffingPlan filters={filters} definitionOf={definitionOf} />}
        {tab === 'report' && <MonthlyReport filters={filters} definitionOf={definitionOf} />}
      </Box>
    </Box>
  );
};
