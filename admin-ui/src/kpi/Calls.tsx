import { Alert, Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useLocale, useTranslate } from 'react-admin';
import { countedCallKpis, type CountedCallKpi } from '../../../domain/kpi/definitions.ts';
import { hourOfDay, weekdayName } from '../common/time.ts';
import { type DefinitionOf, useKpi } from './api.ts';
import { CountLink } from './Figure.tsx';
import { apiQuery, callsLink, type KpiFilters, rangeOf, scopeKeys } from './query.ts';
import { Tile } from './Tile.tsx';

/**
 * The call KPIs' answer as far as the console relies on it: totals by KPI id, and a weekday × hour
 * grid of offered calls. Read loosely, since the console may meet an older or newer API.
 */
interface CallKpis {
  totals?: Record<string, unknown>;
  heatMap?: HeatCell[];
  heatmap?: HeatCell[];
  /** The thresholds the figures were counted with; an API that says them lists the calls behind each count too. */
  thresholds?: { serviceLevelSeconds: number; shortAbandonSeconds: number };
}
type HeatCell = Record<string, unknown> & { weekday: number; hour: number };

const hours = Array.from({ length: 24 }, (_, h) => h);
/** Monday first, as the cities' week starts. */
const isoWeekdays = [1, 2, 3, 4, 5, 6, 7];

/** The cell's count: `offered`, else its first number that is not a coordinate. */
const cellValue = (c: HeatCell) =>
  Number(c.offered ?? Object.entries(c).find(([k, v]) => k !== 'weekday' && k !== 'hour' && typeof v === 'number')?.[1] ?? 0);

/** Black or white text, whichever reads better on the shade (WCAG relative luminance). */
function shade(ratio: number): { background: string; color: string } {
  const mix = (a: number, b: number) => Math.round(a + (b - a) * ratio);
  const rgb = [mix(255, 0x15), mix(255, 0x59), mix(255, 0xa8)];
  const lin = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  return { background: `rgb(${rgb.join(',')})`, color: (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? '#000' : '#fff' };
}

/** The calls list of those a count covers: the dashboard's range and line, the API's thresholds. */
type DrillTo = (filter: { kpi: CountedCallKpi; weekday?: number; hour?: number }) => string | undefined;

const HeatMap = ({ cells, drillTo }: { cells: HeatCell[]; drillTo: DrillTo }) => {
  const translate = useTranslate();
  const locale = useLocale();
  // Postgres' isodow counts Monday 1 … Sunday 7; dow counts Sunday 0 … Saturday 6.
  const iso = !cells.some((c) => c.weekday === 0);
  const at = new Map(cells.map((c) => [`${iso ? c.weekday : c.weekday || 7}:${c.hour}`, cellValue(c)]));
  const max = Math.max(1, ...at.values());
  return (
    <Box component="section" aria-labelledby="kpi-heatmap-title" sx={{ overflowX: 'auto' }}>
      <Typography id="kpi-heatmap-title" component="h3" variant="h6" gutterBottom>
        {translate('kpi.calls.heatMap')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {translate('kpi.calls.heatMapHelp', { max })}
      </Typography>
      <Table size="small" aria-labelledby="kpi-heatmap-title" sx={{ '& td, & th': { px: 0.5, textAlign: 'center', fontSize: 12 } }}>
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              {translate('kpi.calls.weekday')}
            </TableCell>
            {hours.map((h) => (
              <TableCell key={h} component="th" scope="col">
                {String(h).padStart(2, '0')}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {isoWeekdays.map((d) => (
            <TableRow key={d}>
              <TableCell component="th" scope="row">
                {weekdayName(d, locale, 'short')}
              </TableCell>
              {hours.map((h) => {
                const n = at.get(`${d}:${h}`) ?? 0;
                const label = translate('kpi.drillCell', {
                  smart_count: n,
                  day: weekdayName(d, locale),
                  from: hourOfDay(h),
                  to: hourOfDay(h + 1),
                });
                return (
                  <TableCell key={h} sx={{ ...shade(n / max), '& a': { color: 'inherit' } }}>
                    <CountLink value={n} to={n > 0 ? drillTo({ kpi: 'callsOffered', weekday: d, hour: h }) : undefined} label={label} />
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};

/** Calls offered, answered, abandoned… as the API's call KPIs give them, each count opening its calls; "not available" before they exist. */
export const Calls = ({ filters, definitionOf }: { filters: KpiFilters; definitionOf: DefinitionOf }) => {
  const translate = useTranslate();
  // Calls belong to a line (a municipality), not to a service, office or channel: those filters are the cases'.
  const { data, error, unavailable, isPending } = useKpi<CallKpis>(
    `kpi/calls?${apiQuery({ bucket: filters.bucket, ...rangeOf(filters), municipalityId: filters.scope.municipalityId })}`,
  );
  const caseOnly = scopeKeys.filter((k) => k !== 'municipalityId' && filters.scope[k]);
  if (unavailable) return <Alert severity="info">{translate('kpi.unavailable')}</Alert>;
  if (error) return <Alert severity="error">{error}</Alert>;
  if (isPending || !data) return <Typography role="status">{translate('ra.page.loading')}</Typography>;
  const totals = Object.entries(data.totals ?? {}).filter((e): e is [string, number | null] => typeof e[1] === 'number' || e[1] === null);
  const cells = data.heatMap ?? data.heatmap ?? [];
  const { thresholds } = data;
  const drillTo: DrillTo = (f) =>
    thresholds ? callsLink({ ...rangeOf(filters), municipalityId: filters.scope.municipalityId, ...thresholds, ...f }) : undefined;
  const counted = (id: string): id is CountedCallKpi => (countedCallKpis as readonly string[]).includes(id);
  return (
    <Box component="section" aria-labelledby="kpi-calls-title">
      <Typography id="kpi-calls-title" component="h2" variant="h6" gutterBottom>
        {translate('kpi.section.calls')}
      </Typography>
      {caseOnly.length > 0 && (
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate('kpi.calls.caseFiltersIgnored')}
        </Alert>
      )}
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mb: 3 }}>
        {totals.map(([id, v]) => (
          <Tile
            key={id}
            id={id}
            value={v}
            definitionOf={definitionOf}
            unit={/Seconds$/.test(id) ? 'seconds' : undefined}
            to={counted(id) ? drillTo({ kpi: id }) : undefined}
            drill="kpi.drillCalls"
          />
        ))}
      </Box>
      <HeatMap cells={cells} drillTo={drillTo} />
    </Box>
  );
};
