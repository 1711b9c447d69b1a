import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import { Box, Paper, Typography } from '@mui/material';
import { useGetList, useTranslate } from 'react-admin';
import type { ServiceDefinition } from '../../../domain/service-definition.ts';
import { definitionStages } from './stages.ts';

const groups = { day: 'app.definitions.day', contact: 'app.definitions.contact', outcome: 'app.outcome' };

/**
 * The stages a case goes through under this definition, left to right, each with what the
 * definition says about it. An ordered list, so a screen reader reads the same path.
 */
export const StageDiagram = ({ document }: { document: ServiceDefinition }) => {
  const translate = useTranslate();
  const { data: offices = [] } = useGetList<{ id: string; name: string }>('offices', {
    pagination: { page: 1, perPage: 200 },
    sort: { field: 'name', order: 'ASC' },
  });
  const label = (kind: 'office' | 'day' | 'outcome' | 'contact', id: string) =>
    kind === 'office' ? (offices.find((o) => o.id === id)?.name ?? id) : translate(`${groups[kind]}.${id}`, { _: id });
  const stages = definitionStages(document, label);
  return (
    <Box
      component="ol"
      aria-label={translate('app.definitions.diagram.title')}
      sx={{ listStyle: 'none', p: 0, m: 0, display: 'flex', flexWrap: 'wrap', alignItems: 'stretch', gap: 1 }}
    >
      {stages.map((s, i) => (
        <Box component="li" key={s.id} sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Paper variant="outlined" sx={{ p: 1.5, width: 190, height: '100%', borderTop: 4, borderTopColor: 'primary.main' }}>
            <Typography component="h3" variant="subtitle2">{`${i + 1}. ${translate(`app.definitions.diagram.${s.id}`)}`}</Typography>
            {s.facts.map((f) => (
              <Typography key={f.key + JSON.stringify(f.values)} variant="body2">
                {translate(`app.definitions.diagram.${f.key}`, f.values)}
              </Typography>
            ))}
          </Paper>
          {i < stages.length - 1 && <ArrowForwardIcon aria-hidden color="action" />}
        </Box>
      ))}
    </Box>
  );
};
