import { Alert, Box, Button, MenuItem, TextField, Typography } from '@mui/material';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLocale, useTranslate } from 'react-admin';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type CaseKpis, type DefinitionOf, type Staffing, useKpi } from './api.ts';
import { Figure } from './Figure.tsx';
import { formatBucket, formatDay, formatValue } from './format.ts';
import { seriesStyle } from './Overview.tsx';
import { addDays, apiQuery, type KpiFilters, romeDate, romeMidnight, withParam } from './query.ts';
import { Tile } from './Tile.tsx';

/** The plan's inputs, kept in the URL with the filters; the defaults are the API's (Milan 2018's talk time). */
const inputs = { start: '', days: '7', sl: '80', threshold: '20', aht: '358' };
type Inputs = typeof inputs;

/**
 * Forecast contacts per hour and the agents Erlang C needs for the target, next to the contacts
 * that actually came: the plan starts on a chosen day, so a past day compares forecast and actual.
 */
export const StaffingPlan = ({ filters, definitionOf }: { filters: KpiFilters; definitionOf: DefinitionOf }) => {
  const translate = useTranslate();
  const locale = useLocale();
  const [params, setParams] = useSearchParams();
  const current: Inputs = {
    ...inputs,
    start: romeDate(),
    ...Object.fromEntries(Object.keys(inputs).flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : []))),
  };
  const [form, setForm] = useState(current);
  const [shown, setShown] = useState(current.start);
  const days = Math.min(56, Math.max(1, Number(current.days) || 7));
  const plan = useKpi<Staffing>(
    `kpi/staffing?${apiQuery({
      ...filters.scope,
      from: romeMidnight(current.start),
      weeks: Math.ceil(days / 7),
      intervalMinutes: 60,
      targetServiceLevel: Number(current.sl) / 100,
      thresholdSeconds: current.threshold,
      ahtSeconds: current.aht,
    })}`,
  );
  const day = shown >= current.start && shown < addDays(current.start, days) ? shown : current.start;
  const actual = useKpi<CaseKpis>(
    `kpi/cases?${apiQuery({ ...filters.scope, bucket: 'hour', from: romeMidnight(day), to: romeMidnight(addDays(day, 1)) })}`,
    day <= romeDate(),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(Object.entries(form).reduce((p, [k, v]) => withParam(p, k, v), params));
  };
  const field = (name: keyof Inputs, type: string, extra: object = {}) => (
    <TextField
      name={name}
      type={type}
      size="small"
      label={translate(`kpi.staffing.${name}`)}
      value={form[name]}
      onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      sx={{ width: name === 'days' ? 110 : 240 }}
      slotProps={{ inputLabel: { shrink: true }, htmlInput: extra }}
    />
  );

  const from = Date.parse(romeMidnight(day));
  const to = Date.parse(romeMidnight(addDays(day, 1)));
  const actualAt = new Map((actual.data?.series ?? []).map((s) => [Date.parse(s.start), s.casesOpened]));
  const rows = (plan.data?.intervals ?? [])
    .filter((i) => Date.parse(i.start) >= from && Date.parse(i.start) < to)
    .map((i) => ({ ...i, hour: formatBucket(i.start, 'hour', locale).slice(-5), actual: actualAt.get(Date.parse(i.start)) ?? null }));
  const peak = Math.max(0, ...(plan.data?.intervals ?? []).map((i) => i.agentsNeeded));
  const label = (id: string) => definitionOf(id).label;
  const dayChoices = Array.from({ length: days }, (_, i) => addDays(current.start, i));

  return (
    <Box component="section" aria-labelledby="kpi-staffing-title">
      <Typography id="kpi-staffing-title" component="h2" variant="h6" gutterBottom>
        {translate('kpi.section.staffing')}
      </Typography>
      <Box
        component="form"
        onSubmit={submit}
        aria-label={translate('kpi.staffing.form')}
        sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'center', mb: 2 }}
      >
        {field('start', 'date')}
        {field('days', 'number', { min: 1, max: 56 })}
        {field('sl', 'number', { min: 1, max: 99 })}
        {field('threshold', 'number', { min: 0, max: 3600 })}
        {field('aht', 'number', { min: 1, max: 7200 })}
        <Button type="submit" variant="contained">
          {translate('kpi.staffing.compute')}
        </Button>
      </Box>
      {plan.error && <Alert severity="error">{plan.error}</Alert>}
      {plan.data && (
        <>
          <Typography variant="body2" sx={{ mb: 2 }}>
            {translate('kpi.staffing.method', {
              contacts: plan.data.history.contacts,
              trend: formatValue(plan.data.trendPerWeek - 1, 'ratio', locale),
            })}
          </Typography>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mb: 2 }}>
            <Tile
              id="forecastContacts"
              value={plan.data.intervals.reduce((n, i) => n + i.forecastContacts, 0)}
              definitionOf={definitionOf}
              detail={translate('kpi.staffing.horizon', { days })}
            />
            <Tile id="agentsNeeded" value={peak} definitionOf={definitionOf} detail={translate('kpi.staffing.peak')} />
          </Box>
          <TextField
            select
            size="small"
            label={translate('kpi.staffing.day')}
            value={day}
            onChange={(e) => setShown(e.target.value)}
            sx={{ mb: 2, width: 240 }}
          >
            {dayChoices.map((d) => (
              <MenuItem key={d} value={d}>
                {formatDay(d, locale)}
              </MenuItem>
            ))}
          </TextField>
          <Figure
            title={translate('kpi.staffing.chart', { day: formatDay(day, locale) })}
            description={translate('kpi.describe.staffing')}
            rows={rows}
            rowKey={(r) => r.start}
            columns={[
              { key: 'hour', label: translate('kpi.bucket.hour'), render: (r) => r.hour },
              {
                key: 'forecast',
                label: label('forecastContacts'),
                numeric: true,
                render: (r) => formatValue(r.forecastContacts, 'count', locale),
              },
              {
                key: 'actual',
                label: translate('kpi.staffing.actual'),
                numeric: true,
                render: (r) => formatValue(r.actual, 'count', locale),
              },
              { key: 'agents', label: label('agentsNeeded'), numeric: true, render: (r) => r.agentsNeeded },
              {
                key: 'sl',
                label: translate('kpi.staffing.serviceLevel'),
                numeric: true,
                render: (r) => formatValue(r.serviceLevel, 'ratio', locale),
              },
              {
                key: 'asa',
                label: translate('kpi.staffing.asa'),
                numeric: true,
                render: (r) => formatValue(r.asaSeconds, 'seconds', locale),
              },
              {
                key: 'occupancy',
                label: translate('kpi.staffing.occupancy'),
                numeric: true,
                render: (r) => formatValue(r.occupancy, 'ratio', locale),
              },
            ]}
            chart={
              <ResponsiveContainer>
                <ComposedChart data={rows} accessibilityLayer={false}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="hour" tick={{ fontSize: 12 }} />
                  <YAxis yAxisId="contacts" />
                  <YAxis yAxisId="agents" orientation="right" allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Bar yAxisId="contacts" dataKey="forecastContacts" name={label('forecastContacts')} fill={seriesStyle[0].stroke} />
                  <Bar yAxisId="contacts" dataKey="actual" name={translate('kpi.staffing.actual')} fill={seriesStyle[1].stroke} />
                  <Line
                    yAxisId="agents"
                    type="stepAfter"
                    dataKey="agentsNeeded"
                    name={label('agentsNeeded')}
                    {...seriesStyle[2]}
                    strokeWidth={2}
                  />
                </ComposedChart>
              </ResponsiveContainer>
            }
          />
        </>
      )}
    </Box>
  );
};
