import { Alert, Box, Button, Card, CardContent, MenuItem, TextField, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useDataProvider, useTranslate } from 'react-admin';
import type { SportelloDataProvider } from '../dataProvider.ts';
import type { OpenedCase } from './RequestStep.tsx';

type Decision = 'resolve' | 'transfer';

/** Step 3: the case is open; answer at the first level when the service allows it, else transfer it. Alt+R / Alt+T. */
export const DecisionStep = ({ opened, onNext }: { opened: OpenedCase; onNext: () => void }) => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const mayClose = opened.intake.operatorMayClose;
  const [outcome, setOutcome] = useState(mayClose ? (opened.intake.outcomes[0] ?? '') : '');
  const [note, setNote] = useState('');
  const {
    mutate,
    isPending,
    error,
    data: done,
  } = useMutation({
    mutationFn: async (d: Decision) => {
      await dataProvider.post(
        `cases/${encodeURIComponent(opened.id)}/${d}`,
        d === 'resolve' ? { outcome, ...(note.trim() ? { note: note.trim() } : {}) } : note.trim() ? { note: note.trim() } : {},
      );
      return d;
    },
  });
  const decide = (d: Decision) => {
    if (!isPending && !done && (d === 'transfer' || mayClose)) mutate(d);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      if (e.code === 'KeyR') {
        e.preventDefault();
        decide('resolve');
      }
      if (e.code === 'KeyT') {
        e.preventDefault();
        decide('transfer');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    decide(mayClose ? 'resolve' : 'transfer');
  };
  return (
    <Card component="section" aria-labelledby="decision-step">
      <CardContent>
        <Typography id="decision-step" component="h2" variant="h6">
          {translate('app.contact.decide.legend')}
        </Typography>
        <Alert severity="success" sx={{ my: 1 }}>
          {translate('app.contact.opened', { id: opened.id })}
        </Alert>
        {done ? (
          <Box aria-live="polite">
            <Alert severity="success" role="status">
              {translate(done === 'resolve' ? 'app.contact.decide.resolved' : 'app.contact.decide.transferred', { id: opened.id })}
            </Alert>
            <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
              <Button variant="contained" onClick={onNext} autoFocus>
                {translate('app.contact.decide.next')}
              </Button>
              <Button component={Link} to={`/cases/${encodeURIComponent(opened.id)}/show`}>
                {translate('app.contact.decide.show')}
              </Button>
            </Box>
          </Box>
        ) : (
          <Box component="form" onSubmit={submit} noValidate>
            {mayClose && (
              <TextField
                select
                fullWidth
                margin="dense"
                label={translate('app.action.outcome')}
                value={outcome}
                onChange={(e) => setOutcome(e.target.value)}
                autoFocus
              >
                {opened.intake.outcomes.map((o) => (
                  <MenuItem key={o} value={o}>
                    {translate(`app.outcome.${o}`)}
                  </MenuItem>
                ))}
              </TextField>
            )}
            <TextField
              fullWidth
              multiline
              minRows={2}
              margin="dense"
              label={translate('app.action.note')}
              value={note}
              autoFocus={!mayClose}
              onChange={(e) => setNote(e.target.value)}
              slotProps={{ htmlInput: { maxLength: 2000 } }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) submit(e);
              }}
            />
            {error && (
              <Alert severity="error" role="alert">
                {error.message}
              </Alert>
            )}
            <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
              {mayClose && (
                <Button type="submit" variant="contained" disabled={isPending || !outcome}>
                  {translate('app.contact.decide.resolve')} (Alt+R)
                </Button>
              )}
              <Button
                type={mayClose ? 'button' : 'submit'}
                variant={mayClose ? 'outlined' : 'contained'}
                disabled={isPending}
                onClick={mayClose ? () => decide('transfer') : undefined}
              >
                {translate('app.contact.decide.transfer')} (Alt+T)
              </Button>
            </Box>
          </Box>
        )}
      </CardContent>
    </Card>
  );
};
