import { Alert, Box, Typography } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useLocale, useTranslate } from 'react-admin';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type CaseKpis, type DefinitionOf, useKpi } from './api.ts';
import { CountLink, Figure } from './Figure.tsx';
import { formatBucket, formatValue } from './format.ts';
import type { Reference } from './names.ts';
import { casesLink, caseKpiQuery, type KpiFilters, openedIn, rangeOf } from './query.ts';
import { Tile } from './Tile.tsx';

/** Series are told apart by dash pattern and legend as well as colour. */
export const seriesStyle = [
  { stroke: '#1559a8' },
  { stroke: '#1b6e20', strokeDasharray: '6 3' },
  { stroke: '#a84b00', strokeDasharray: '2 2' },
] as const;
const noFocus = { accessibilityLayer: false } as const;

type Series = CaseKpis['series'][number];
const day = 86_400_000;
const ageDays = { '0-2': [0, 3], '3-7': [3, 8], '8-30': [8, 31], '>30': [31, undefined] } as const;

interface Props {
  filters: KpiFilters;
  definitionOf: DefinitionOf;
  reference: Reference;
}

/** Cases: tiles, the series, breakdowns, ageing and each office's SLA, every figure opening its cases where the list can show them. */
export const Overview = ({ filters, definitionOf, reference }: Props) => {
  const translate = useTranslate();
  const locale = useLocale();
  const navigate = useNavigate();
  const { data, error, isPending } = useKpi<CaseKpis>(`kpi/cases?${caseKpiQuery(filters)}`);
  if (error) return <Alert severity="error">{error}</Alert>;
  if (isPending || !data) return <Typography role="status">{translate('ra.page.loading')}</Typography>;

  const { from, to } = rangeOf(filters);
  const t = data.totals;
  const label = (id: string) => definitionOf(id).label;
  const value = (id: string, v: number | null) => formatValue(v, definitionOf(id).unit, locale);
  // Open cases now: the backlog at the range's end when the range reaches today.
  const openNow = casesLink({ ...filters.scope, status: 'open', createdTo: to });
  const ageEnd = Math.min(Date.parse(to), Date.now());
  const bucketCases = (s: Series) => openedIn(filters, s.start, s.end);
  const drill = (s: Series) => translate('kpi.drillBucket', { when: formatBucket(s.start, data.bucket, locale) });
  const openBucket = (state: { activeTooltipIndex?: unknown } | null) => {
    const s = data.series[Number(state?.activeTooltipIndex)];
    if (s) void navigate(bucketCases(s));
  };
  const points = data.series.map((s) => ({
    ...s,
    label: formatBucket(s.start, data.bucket, locale),
    fcr: s.firstContactResolution,
    csat: s.csat,
  }));

  const breakdown = (
    kind: 'channel' | 'service' | 'office',
    name: (key: string | null) => string,
    filterKey?: 'channel' | 'serviceCode' | 'officeId',
  ) => {
    const rows = data.breakdowns[kind].map((b) => ({ ...b, name: name(b.key) }));
    const link = (b: { key: string | null }) =>
      filterKey && b.key ? casesLink({ ...filters.scope, [filterKey]: b.key, createdFrom: from, createdTo: to }) : undefined;
    return (
      <Figure
        key={kind}
        title={translate(`kpi.by.${kind}`)}
        description={translate('kpi.describe.breakdown', { by: translate(`kpi.by.${kind}`) })}
        rows={rows}
        rowKey={(b) => b.key ?? '-'}
        columns={[
          { key: 'name', label: translate(`kpi.column.${kind}`), render: (b) => b.name },
          {
            key: 'n',
            label: label('casesOpened'),
            numeric: true,
            render: (b) => (
              <CountLink value={b.casesOpened} to={link(b)} label={translate('kpi.drill', { value: b.casesOpened, label: b.name })} />
            ),
          },
        ]}
        chart={
          <ResponsiveContainer>
            <BarChart
              data={rows}
              layout="vertical"
              margin={{ left: 8, right: 32 }}
              {...noFocus}
              onClick={(s) => {
                const b = rows[Number(s?.activeTooltipIndex)];
                const to = b && link(b);
                if (to) void navigate(to);
              }}
            >
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="name" width={150} tick={{ fontSize: 12 }} />
              <Tooltip />
              <Bar dataKey="casesOpened" name={label('casesOpened')} fill={seriesStyle[0].stroke} cursor="pointer">
                <LabelList dataKey="casesOpened" position="right" />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        }
      />
    );
  };

  return (
    <>
      <Box component="section" aria-labelledby="kpi-cases-title" sx={{ mb: 3 }}>
        <Typography id="kpi-cases-title" component="h2" variant="h6" gutterBottom>
          {translate('kpi.section.cases')}
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          <Tile id="casesOpened" value={t.casesOpened} definitionOf={definitionOf} to={openedIn(filters, from, to)} />
          <Tile id="casesClosed" value={t.casesClosed} definitionOf={definitionOf} />
          <Tile id="backlog" value={t.backlog} definitionOf={definitionOf} to={openNow} />
          <Tile
            id="firstContactResolution"
            value={t.firstContactResolution}
            definitionOf={definitionOf}
            detail={translate('kpi.of', { n: t.resolvedFirstLevel, total: t.casesClosed })}
          />
          <Tile
            id="slaCompliance"
            value={t.slaCompliance}
            definitionOf={definitionOf}
            detail={translate('kpi.of', { n: t.tasksOnTime, total: t.tasksDone })}
          />
          <Tile id="slaBreaches" value={t.slaBreaches} definitionOf={definitionOf} />
          <Tile
            id="csat"
            value={t.csat}
            definitionOf={definitionOf}
            detail={translate('kpi.of', { n: t.satisfied, total: t.surveyAnswers })}
          />
          <Tile id="solicitations" value={t.solicitations} definitionOf={definitionOf} />
          <Tile id="complaints" value={t.complaints} definitionOf={definitionOf} />
          <Tile
            id="callbackSuccess"
            value={t.callbackSuccess}
            definitionOf={definitionOf}
            detail={translate('kpi.of', { n: t.callbacksAnswered, total: t.callbacksAttempted })}
          />
        </Box>
      </Box>

      <Box component="section" aria-labelledby="kpi-trend-title" sx={{ mb: 3 }}>
        <Typography id="kpi-trend-title" component="h2" variant="h6" gutterBottom>
          {translate('kpi.section.trend')}
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          <Figure
            title={translate('kpi.trend.volumes')}
            description={translate('kpi.describe.volumes')}
            rows={points}
            rowKey={(s) => s.start}
            columns={[
              { key: 'start', label: translate(`kpi.bucket.${data.bucket}`), render: (s) => s.label },
              {
                key: 'opened',
                label: label('casesOpened'),
                numeric: true,
                render: (s) => <CountLink value={s.casesOpened} to={bucketCases(s)} label={`${s.casesOpened} ${drill(s)}`} />,
              },
              { key: 'closed', label: label('casesClosed'), numeric: true, render: (s) => s.casesClosed },
              { key: 'backlog', label: label('backlog'), numeric: true, render: (s) => s.backlog },
            ]}
            chart={
              <ResponsiveContainer>
                <LineChart data={points} onClick={openBucket} {...noFocus}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Line dataKey="casesOpened" name={label('casesOpened')} {...seriesStyle[0]} strokeWidth={2} />
                  <Line dataKey="casesClosed" name={label('casesClosed')} {...seriesStyle[1]} strokeWidth={2} />
                  <Line dataKey="backlog" name={label('backlog')} {...seriesStyle[2]} strokeWidth={2} />
                </LineChart>
              </ResponsiveContainer>
            }
          />
          <Figure
            title={translate('kpi.trend.quality')}
            description={translate('kpi.describe.quality')}
            rows={points}
            rowKey={(s) => s.start}
            columns={[
              { key: 'start', label: translate(`kpi.bucket.${data.bucket}`), render: (s) => s.label },
              { key: 'fcr', label: label('firstContactResolution'), numeric: true, render: (s) => value('firstContactResolution', s.fcr) },
              { key: 'csat', label: label('csat'), numeric: true, render: (s) => value('csat', s.csat) },
              { key: 'sla', label: label('slaCompliance'), numeric: true, render: (s) => value('slaCompliance', s.slaCompliance) },
            ]}
            chart={
              <ResponsiveContainer>
                <LineChart data={points} {...noFocus}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                  <YAxis domain={[0, 1]} tickFormatter={(v: number) => value('csat', v)} />
                  <Tooltip formatter={(v) => value('csat', typeof v === 'number' ? v : null)} />
                  <Legend />
                  <Line dataKey="fcr" name={label('firstContactResolution')} {...seriesStyle[0]} strokeWidth={2} connectNulls />
                  <Line dataKey="csat" name={label('csat')} {...seriesStyle[1]} strokeWidth={2} connectNulls />
                  <Line dataKey="slaCompliance" name={label('slaCompliance')} {...seriesStyle[2]} strokeWidth={2} connectNulls />
                </LineChart>
              </ResponsiveContainer>
            }
          />
        </Box>
      </Box>

      <Box component="section" aria-labelledby="kpi-breakdown-title" sx={{ mb: 3 }}>
        <Typography id="kpi-breakdown-title" component="h2" variant="h6" gutterBottom>
          {translate('kpi.section.breakdowns')}
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {breakdown('channel', (k) => translate(`app.channel.${k}`), 'channel')}
          {breakdown('service', (k) => reference.serviceName.get(k ?? '') ?? k ?? '—', 'serviceCode')}
          {breakdown('office', (k) => (k ? (reference.officeName.get(k) ?? k) : translate('kpi.firstLevel')), 'officeId')}
        </Box>
      </Box>

      <Box component="section" aria-labelledby="kpi-backlog-title" sx={{ mb: 3 }}>
        <Typography id="kpi-backlog-title" component="h2" variant="h6" gutterBottom>
          {translate('kpi.section.backlog')}
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          <Figure
            title={label('ageing')}
            description={translate('kpi.describe.ageing')}
            rows={data.ageing}
            rowKey={(a) => a.range}
            columns={[
              { key: 'range', label: translate('kpi.column.age'), render: (a) => translate(`kpi.age.${a.range}`) },
              {
                key: 'cases',
                label: translate('kpi.column.openCases'),
                numeric: true,
                render: (a) => {
                  const [young, old] = ageDays[a.range];
                  const to = casesLink({
                    ...filters.scope,
                    status: 'open',
                    createdTo: new Date(ageEnd - young * day).toISOString(),
                    createdFrom: old === undefined ? undefined : new Date(ageEnd - old * day).toISOString(),
                  });
                  return (
                    <CountLink
                      value={a.cases}
                      to={to}
                      label={translate('kpi.drill', { value: a.cases, label: translate(`kpi.age.${a.range}`) })}
                    />
                  );
                },
              },
            ]}
            chart={
              <ResponsiveContainer>
                <BarChart data={data.ageing.map((a) => ({ ...a, name: translate(`kpi.age.${a.range}`) }))} {...noFocus}>
                  <XAxis dataKey="name" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Bar dataKey="cases" name={translate('kpi.column.openCases')} fill={seriesStyle[2].stroke}>
                    <LabelList dataKey="cases" position="top" />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            }
          />
          <Figure
            title={translate('kpi.slaByOffice')}
            description={translate('kpi.slaByOffice')}
            tableOnly
            rows={data.offices}
            rowKey={(o) => o.officeId}
            columns={[
              { key: 'office', label: translate('kpi.column.office'), render: (o) => reference.officeName.get(o.officeId) ?? o.officeId },
              { key: 'done', label: label('tasksDone'), numeric: true, render: (o) => o.tasksDone },
              { key: 'onTime', label: label('tasksOnTime'), numeric: true, render: (o) => o.tasksOnTime },
              { key: 'compliance', label: label('slaCompliance'), numeric: true, render: (o) => value('slaCompliance', o.slaCompliance) },
              {
                key: 'breaches',
                label: label('slaBreaches'),
                numeric: true,
                render: (o) => (
                  <CountLink
                    value={o.slaBreaches}
                    to={casesLink({ ...filters.scope, officeId: o.officeId, slaState: 'breached' })}
                    label={translate('kpi.drillBreached', {
                      value: o.slaBreaches,
                      office: reference.officeName.get(o.officeId) ?? o.officeId,
                    })}
                  />
                ),
              },
            ]}
          />
        </Box>
      </Box>
    </>
  );
};
