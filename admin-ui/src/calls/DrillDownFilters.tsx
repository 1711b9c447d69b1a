import { Box, Button, Chip, Typography } from '@mui/material';
import { useGetOne, useListContext, useLocale, useTranslate } from 'react-admin';
import { callKpis } from '../../../domain/kpi/definitions.ts';
import { formatDateTime, hourOfDay, weekdayName } from '../common/time.ts';

/** The filters the KPI dashboard's figures open the list with; the list's own inputs do not show them. */
const drillKeys = [
  'kpi',
  'from',
  'to',
  'weekday',
  'hour',
  'municipalityId',
  'queue',
  'serviceLevelSeconds',
  'shortAbandonSeconds',
] as const;
/** The threshold a KPI's calls depend on, said beside it. */
const thresholdOf = {
  callsAbandoned: 'shortAbandonSeconds',
  shortAbandoned: 'shortAbandonSeconds',
  answeredWithinThreshold: 'serviceLevelSeconds',
} as const;

interface DrillFilter {
  kpi?: string;
  from?: string;
  to?: string;
  weekday?: number;
  hour?: number;
  municipalityId?: string;
  queue?: string;
  serviceLevelSeconds?: number;
  shortAbandonSeconds?: number;
}

/**
 * Why the list has the rows it has when a KPI figure opened it: each filter in words, the total,
 * and a button that takes them all away (the list remembers its filters for the next visit).
 */
export const DrillDownFilters = () => {
  const translate = useTranslate();
  const locale = useLocale();
  const { filterValues, setFilters, displayedFilters, total } = useListContext();
  const f = filterValues as DrillFilter;
  const { data: municipality } = useGetOne<{ id: string; name: string }>(
    'municipalities',
    { id: f.municipalityId ?? '' },
    { enabled: !!f.municipalityId },
  );
  if (!drillKeys.some((k) => f[k] !== undefined)) return null;

  const definition = callKpis.find((k) => k.id === f.kpi);
  const threshold = definition && definition.id in thresholdOf ? thresholdOf[definition.id as keyof typeof thresholdOf] : undefined;
  const said = (key: string, values: Record<string, unknown>) => translate(`app.calls.drill.${key}`, values);
  const items = [
    definition &&
      [
        said('kpi', { label: definition.label[locale === 'en' ? 'en' : 'it'] }),
        ...(threshold && f[threshold] !== undefined ? [said(definition.id, { seconds: f[threshold] })] : []),
      ].join('; '),
    f.from && said('from', { when: formatDateTime(f.from, locale) }),
    f.to && said('to', { when: formatDateTime(f.to, locale) }),
    f.weekday !== undefined && said('weekday', { day: weekdayName(f.weekday, locale) }),
    f.hour !== undefined && said('hour', { from: hourOfDay(f.hour), to: hourOfDay(f.hour + 1) }),
    f.municipalityId && said('municipalityId', { value: municipality?.name ?? f.municipalityId }),
    f.queue && said('queue', { value: f.queue }),
  ].filter((item): item is string => typeof item === 'string');
  const clear = () =>
    setFilters(
      Object.fromEntries(Object.entries(filterValues).filter(([k]) => !(drillKeys as readonly string[]).includes(k))),
      displayedFilters,
    );

  return (
    <Box
      component="section"
      aria-labelledby="calls-drill-title"
      sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1, px: 2, py: 1.5 }}
    >
      <Typography id="calls-drill-title" component="h2" variant="subtitle1">
        {translate('app.calls.drill.title', { smart_count: total ?? 0 })}
      </Typography>
      <Box component="ul" sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, m: 0, p: 0, listStyle: 'none' }}>
        {items.map((item) => (
          <li key={item}>
            <Chip label={item} variant="outlined" />
          </li>
        ))}
      </Box>
      <Button onClick={clear} size="small">
        {translate('app.calls.drill.clear')}
      </Button>
    </Box>
  );
};
