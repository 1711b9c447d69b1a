import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Stack,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Title, useDataProvider, useTranslate } from 'react-admin';
import type { CitizenLookup } from '../../../contracts/citizens.ts';
import type { Erasure, LegalHold } from '../../../contracts/erasure.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

/** The lookup's key for what was typed: a fiscal code, an e-mail or a phone number. */
const lookupQuery = (typed: string) => {
  const q = typed.trim();
  const key = q.includes('@') ? 'email' : /^[a-z]{6}/i.test(q) ? 'fiscalCode' : 'phone';
  return `citizens/lookup?${key}=${encodeURIComponent(q)}`;
};

/**
 * The administrator's privacy page for one citizen (docs/operations.md "Erasure, retention and
 * legal holds"): found by a contact, a legal hold switched on or off, and the erasure, confirmed
 * with the reason (the request's protocol number).
 */
export const CitizenErasure = () => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const client = useQueryClient();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [erased, setErased] = useState<Erasure | null>(null);
  const found = useQuery({ queryKey: ['erasure', query], enabled: !!query, queryFn: () => dataProvider.get<CitizenLookup>(query!) });
  const citizenId = found.data?.citizen.id;
  const holdsKey = ['legal-holds', citizenId];
  const holds = useQuery({
    queryKey: holdsKey,
    enabled: !!citizenId,
    queryFn: () => dataProvider.get<LegalHold[]>(`legal-holds?targetType=citizen&active=true&targetId=${encodeURIComponent(citizenId!)}`),
  });
  const hold = holds.data?.[0];
  const toggleHold = useMutation({
    mutationFn: () =>
      hold
        ? dataProvider.del<LegalHold>(`legal-holds/${encodeURIComponent(hold.id)}`)
        : dataProvider.post<LegalHold>('legal-holds', {
            targetType: 'citizen',
            targetId: citizenId,
            reason: translate('app.erasure.holdReason'),
          }),
    onSuccess: () => client.invalidateQueries({ queryKey: holdsKey }),
  });
  const erase = useMutation({
    mutationFn: () => dataProvider.post<Erasure>(`citizens/${encodeURIComponent(citizenId!)}/erase`, { reason }),
    onSuccess: (result) => {
      setErased(result);
      setConfirming(false);
      setQuery(null);
    },
  });
  const failure = (found.error ?? toggleHold.error ?? erase.error) as Error | null;
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.menu.erasure" />
      <Typography component="h1" variant="h5">
        {translate('app.erasure.title')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        {translate('app.erasure.help')}
      </Typography>
      <Stack
        direction="row"
        spacing={1}
        component="form"
        onSubmit={(e) => (e.preventDefault(), setErased(null), setQuery(lookupQuery(typed)))}
      >
        <TextField size="small" label={translate('app.erasure.lookup')} value={typed} onChange={(e) => setTyped(e.target.value)} />
        <Button type="submit" variant="outlined" disabled={!typed.trim()}>
          {translate('app.erasure.find')}
        </Button>
      </Stack>
      <div aria-live="polite">
        {failure && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {failure.message}
          </Alert>
        )}
        {erased && (
          <Alert severity="success" sx={{ mt: 2 }}>
            {translate('app.erasure.erased', { cases: erased.cases.length })}
          </Alert>
        )}
      </div>
      {found.data && (
        <Card
          variant="outlined"
          sx={{ mt: 2 }}
          component="article"
          aria-label={found.data.citizen.name ?? translate('app.duplicates.noName')}
        >
          <CardContent>
            <Typography component="h2" variant="subtitle1">
              {found.data.citizen.name ?? translate('app.duplicates.noName')}
            </Typography>
            <Typography variant="body2">
              {[...found.data.citizen.phones, ...found.data.citizen.emails, ...found.data.citizen.fiscalCodes].join(' · ') || '—'}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {translate('app.duplicates.cases', { smart_count: found.data.cases.length })}
            </Typography>
            <FormControlLabel
              control={<Switch checked={!!hold} disabled={holds.isPending || toggleHold.isPending} onChange={() => toggleHold.mutate()} />}
              label={translate('app.erasure.hold')}
            />
            <Box>
              <Button color="error" variant="contained" disabled={!!hold} onClick={() => setConfirming(true)}>
                {translate('app.erasure.erase')}
              </Button>
            </Box>
          </CardContent>
        </Card>
      )}
      <Dialog open={confirming} onClose={() => setConfirming(false)}>
        <DialogTitle>{translate('app.erasure.confirmTitle')}</DialogTitle>
        <DialogContent>
          <Typography variant="body2" sx={{ mb: 2 }}>
            {translate('app.erasure.confirmText')}
          </Typography>
          <TextField
            fullWidth
            required
            label={translate('app.erasure.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)}>{translate('ra.action.cancel')}</Button>
          <Button color="error" disabled={reason.trim().length < 3 || erase.isPending} onClick={() => erase.mutate()}>
            {translate('app.erasure.erase')}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
};
