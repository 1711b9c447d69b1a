import { Box, Button, Card, CardContent, List, ListItem, ListItemText, TextField, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type Ref, useState } from 'react';
import { useDataProvider, useTranslate } from 'react-admin';
import type { KnowledgeHit } from '../../../contracts/knowledge.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';
import { highlightParts } from './highlight.ts';

/** The knowledge base, best answers first, the matching words highlighted; scoped to the chosen municipality once there is one. */
export const KnowledgePanel = ({ municipalityId, inputRef }: { municipalityId?: string; inputRef: Ref<HTMLInputElement> }) => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const params = new URLSearchParams({ q, ...(municipalityId ? { municipalityId } : {}) });
  const { data, isFetching, error } = useQuery({
    queryKey: ['knowledge', params.toString()],
    enabled: q.length >= 2,
    queryFn: () => dataProvider.get<KnowledgeHit[]>(`knowledge/search?${params}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
  };
  return (
    <Card component="aside" aria-labelledby="kb-title">
      <CardContent>
        <Typography id="kb-title" component="h2" variant="h6">
          {translate('app.contact.kb.legend')}
        </Typography>
        <Box component="form" role="search" onSubmit={submit} sx={{ display: 'flex', gap: 1, mt: 1 }}>
          <TextField
            inputRef={inputRef}
            size="small"
            fullWidth
            label={translate('app.contact.kb.label')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            helperText={typed.trim().length === 1 ? translate('app.contact.kb.hint') : ' '}
          />
          <Button type="submit" variant="outlined" sx={{ alignSelf: 'flex-start', mt: 0.25 }}>
            {translate('app.contact.kb.submit')}
          </Button>
        </Box>
        {error && (
          <Typography color="error" role="alert">
            {(error as Error).message}
          </Typography>
        )}
        {q.length >= 2 && !isFetching && data?.length === 0 && <Typography>{translate('app.contact.kb.empty')}</Typography>}
        <List aria-label={translate('app.contact.kb.legend')} dense>
          {data?.map((hit) => (
            <ListItem key={hit.id} alignItems="flex-start" disableGutters>
              <ListItemText
                primary={hit.title}
                slotProps={{ secondary: { component: 'div' } }}
                secondary={highlightParts(hit.snippet).map((p, i) =>
                  p.marked ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
                )}
              />
            </ListItem>
          ))}
        </List>
      </CardContent>
    </Card>
  );
};
