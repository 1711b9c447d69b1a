import { Alert, Box, Button, Card, CardContent, Chip, Grid, Stack, Typography } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Title, useDataProvider, useTranslate } from 'react-admin';
import type { CitizenMerge, CitizenRecord, LikelyDuplicate } from '../../../contracts/citizens.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

const queryKey = ['citizens', 'duplicates'];

/** One record of a pair: what a supervisor compares before choosing the one to keep. */
const RecordCard = ({ record, onKeep, busy }: { record: CitizenRecord; onKeep: () => void; busy: boolean }) => {
  const translate = useTranslate();
  return (
    <Card variant="outlined" component="article" aria-label={record.name ?? translate('app.duplicates.noName')}>
      <CardContent>
        <Typography component="h3" variant="subtitle1">
          {record.name ?? translate('app.duplicates.noName')}
        </Typography>
        <Typography variant="body2">
          {[...record.phones, ...record.emails, record.fiscalCode].filter(Boolean).join(' · ') || '—'}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('app.duplicates.cases', { smart_count: record.cases ?? 0 })}
        </Typography>
        <Button size="small" variant="outlined" sx={{ mt: 1 }} disabled={busy} onClick={onKeep}>
          {translate('app.duplicates.merge')}
        </Button>
      </CardContent>
    </Card>
  );
};

/**
 * The supervisor's list of citizen records that are likely one person (the API proposes them:
 * a phone, e-mail or fiscal code in common, or the same name), each merged by choosing the record
 * to keep; the last merge can be undone from here.
 */
export const Duplicates = () => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const client = useQueryClient();
  const [last, setLast] = useState<{ merge: CitizenMerge; name: string } | null>(null);
  const [undone, setUndone] = useState(false);
  const { data: pairs, error } = useQuery({ queryKey, queryFn: () => dataProvider.get<LikelyDuplicate[]>('citizens/duplicates') });
  const merge = useMutation({
    mutationFn: (m: { targetId: string; sourceId: string; name: string }) =>
      dataProvider.post<CitizenMerge>('citizens/merges', { targetId: m.targetId, sourceId: m.sourceId }),
    onSuccess: (merge, m) => {
      setUndone(false);
      setLast({ merge, name: m.name });
      return client.invalidateQueries({ queryKey });
    },
  });
  const undo = useMutation({
    mutationFn: (id: string) => dataProvider.post<CitizenMerge>(`citizens/merges/${encodeURIComponent(id)}/undo`, {}),
    onSuccess: () => {
      setLast(null);
      setUndone(true);
      return client.invalidateQueries({ queryKey });
    },
  });
  const failure = (error ?? merge.error ?? undo.error) as Error | null;
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.menu.duplicates" />
      <Typography component="h1" variant="h5">
        {translate('app.duplicates.title')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        {translate('app.duplicates.help')}
      </Typography>
      <div aria-live="polite">
        {failure && <Alert severity="error">{failure.message}</Alert>}
        {last && (
          <Alert
            severity="success"
            action={
              <Button color="inherit" size="small" disabled={undo.isPending} onClick={() => undo.mutate(last.merge.id)}>
                {translate('app.duplicates.undo')}
              </Button>
            }
          >
            {translate('app.duplicates.merged', { name: last.name })}
          </Alert>
        )}
        {undone && <Alert severity="info">{translate('app.duplicates.undone')}</Alert>}
      </div>
      {pairs?.length === 0 && <Typography sx={{ mt: 2 }}>{translate('app.duplicates.empty')}</Typography>}
      <Stack
        spacing={2}
        sx={{ mt: 2 }}
        component="ul"
        aria-label={translate('app.duplicates.title')}
        style={{ listStyle: 'none', padding: 0 }}
      >
        {pairs?.map(({ reasons, citizens: [a, b] }) => (
          <Card component="li" key={`${a.id}:${b.id}`}>
            <CardContent>
              <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
                {reasons.map((r) => (
                  <Chip key={r} size="small" label={translate(`app.duplicates.reasons.${r}`)} />
                ))}
              </Stack>
              <Grid container spacing={2}>
                {[
                  [a, b],
                  [b, a],
                ].map(([keep, other]) => (
                  <Grid key={keep!.id} size={{ xs: 12, md: 6 }}>
                    <RecordCard
                      record={keep!}
                      busy={merge.isPending}
                      onKeep={() =>
                        merge.mutate({ targetId: keep!.id, sourceId: other!.id, name: keep!.name ?? translate('app.duplicates.noName') })
                      }
                    />
                  </Grid>
                ))}
              </Grid>
            </CardContent>
          </Card>
        ))}
      </Stack>
    </Box>
  );
};
