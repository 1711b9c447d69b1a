import { Box, MenuItem, TextField } from '@mui/material';
import { useSearchParams } from 'react-router-dom';
import { useTranslate } from 'react-admin';
import { channels } from '../../../domain/case.ts';
import { useChoices } from '../common/choices.ts';
import type { Reference } from './names.ts';
import { buckets, type KpiFilters, withParam } from './query.ts';

interface Choice {
  id: string;
  name: string;
}

/** Range, bucket and scope; every change goes to the URL, which the figures are read from. */
export const Filters = ({ filters, reference }: { filters: KpiFilters; reference: Reference }) => {
  const translate = useTranslate();
  const [params, setParams] = useSearchParams();
  const set = (key: string) => (e: { target: { value: string } }) => setParams(withParam(params, key, e.target.value), { replace: true });
  const municipality = filters.scope.municipalityId;
  const select = (key: string, value: string, choices: Choice[], all = true) => (
    <TextField select size="small" name={key} label={translate(`kpi.filter.${key}`)} value={value} onChange={set(key)} sx={{ width: 180 }}>
      {all && <MenuItem value="">{translate('kpi.filter.all')}</MenuItem>}
      {choices.map((c) => (
        <MenuItem key={c.id} value={c.id}>
          {c.name}
        </MenuItem>
      ))}
    </TextField>
  );
  const services = reference.services.filter((s) => !municipality || s.municipalityId === municipality);
  // One entry per code: the same service in several municipalities is one filter.
  const serviceChoices = [...new Map(services.map((s) => [s.code ?? s.id, { id: s.code ?? s.id, name: s.name }])).values()];
  return (
    <Box
      component="form"
      role="search"
      aria-label={translate('kpi.filter.label')}
      onSubmit={(e) => e.preventDefault()}
      sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'center', mb: 2 }}
    >
      <TextField
        type="date"
        size="small"
        name="from"
        label={translate('kpi.filter.from')}
        value={filters.from}
        onChange={set('from')}
        sx={{ width: 170 }}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { max: filters.to } }}
      />
      <TextField
        type="date"
        size="small"
        name="to"
        label={translate('kpi.filter.to')}
        value={filters.to}
        onChange={set('to')}
        sx={{ width: 170 }}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: filters.from } }}
      />
      {select(
        'bucket',
        filters.bucket,
        buckets.map((b) => ({ id: b, name: translate(`kpi.bucket.${b}`) })),
        false,
      )}
      {select('municipalityId', municipality ?? '', reference.municipalities)}
      {select('serviceCode', filters.scope.serviceCode ?? '', serviceChoices)}
      {select(
        'officeId',
        filters.scope.officeId ?? '',
        reference.offices.filter((o) => !municipality || o.municipalityId === municipality),
      )}
      {select('channel', filters.scope.channel ?? '', useChoices('channel', channels))}
    </Box>
  );
};
