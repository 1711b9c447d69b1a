import { Chip } from '@mui/material';
import { useLocale, useTranslate } from 'react-admin';
import type { Task } from '../../../contracts/cases.ts';
import { formatRelative } from './time.ts';

export type SlaState = Task['slaState'];
const slaColour = { 'on-track': 'success', warning: 'warning', breached: 'error' } as const;

/** Where a task stands against its due time: colour and words (colour alone says nothing to some). */
export const SlaChip = ({ state, dueAt }: { state: SlaState; dueAt?: string }) => {
  const translate = useTranslate();
  const locale = useLocale();
  const label = translate(`app.sla.${state}`) + (dueAt ? ` · ${translate('app.tasks.due', { when: formatRelative(dueAt, locale) })}` : '');
  return <Chip size="small" color={slaColour[state]} label={label} />;
};

export const StatusChip = ({ status }: { status: string }) => (
  <Chip size="small" label={useTranslate()(`app.status.${status}`)} color={status === 'open' ? 'warning' : 'success'} variant="outlined" />
);
