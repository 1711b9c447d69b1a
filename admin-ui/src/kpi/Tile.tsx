import InfoOutlinedIcon from '@mui/icons-material/InfoOutlined';
import { Card, CardContent, IconButton, Link as MuiLink, Tooltip, Typography } from '@mui/material';
import { useId } from 'react';
import { Link } from 'react-router-dom';
import { useLocale, useTranslate } from 'react-admin';
import type { DefinitionOf } from './api.ts';
import { formatValue } from './format.ts';

interface Props {
  id: string;
  value: number | null | undefined;
  definitionOf: DefinitionOf;
  /** The cases (or calls) behind the figure, when a list can show them. */
  to?: string;
  /** The link's accessible name, a `kpi.drill…` key taking value and label; the cases by default. */
  drill?: string;
  /** Overrides the registry's unit (call KPIs in seconds). */
  unit?: string;
  /** A second line: what the figure is of. */
  detail?: string;
}

/** One KPI: its label and figure; the formula in a tooltip; the figure opens the records behind it. */
export const Tile = ({ id, value, definitionOf, to, drill = 'kpi.drill', unit, detail }: Props) => {
  const translate = useTranslate();
  const locale = useLocale();
  const headingId = useId();
  const { label, formula, unit: registryUnit } = definitionOf(id);
  const figure = formatValue(value, unit ?? registryUnit, locale);
  return (
    <Card component="section" aria-labelledby={headingId} variant="outlined" sx={{ minWidth: 180, flex: '1 1 180px' }}>
      <CardContent sx={{ pb: '12px !important' }}>
        <Typography component="h3" variant="subtitle2" sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
          {/* The tile is named by the label alone, not by the formula button beside it. */}
          <span id={headingId}>{label}</span>
          {formula && (
            <Tooltip title={formula} describeChild>
              <IconButton size="small" aria-label={translate('kpi.formula', { label })}>
                <InfoOutlinedIcon fontSize="inherit" />
              </IconButton>
            </Tooltip>
          )}
        </Typography>
        {to ? (
          <MuiLink
            component={Link}
            to={to}
            variant="h4"
            underline="hover"
            data-kpi={id}
            aria-label={translate(drill, { value: figure, label })}
          >
            {figure}
          </MuiLink>
        ) : (
          <Typography variant="h4" component="p" data-kpi={id}>
            {figure}
          </Typography>
        )}
        {detail && (
          <Typography variant="body2" color="text.secondary">
            {detail}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
};
