import {
  Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField,
} from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { SportelloDataProvider } from '../dataProvider.ts';
import { outcomeChoices } from './caseChoices.ts';

/** Resolve button and dialog: the outcome is required, the note optional; the server's error is shown as is. */
export const ResolveCase = () => {
  const record = useRecordContext<{ id: string }>();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const { mutate, isPending } = useMutation({
    mutationFn: (id: string) => dataProvider.resolveCase(id, { outcome, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => {
      setOpen(false);
      notify('Case resolved', { type: 'success' });
      refresh();
    },
    onError: (error: Error) => notify(error.message, { type: 'error' }),
  });
  if (!record) return null;
  return (
    <>
      <Button label="Resolve" onClick={() => setOpen(true)} />
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="resolve-case-title" fullWidth>
        <DialogTitle id="resolve-case-title">Resolve case {record.id}</DialogTitle>
        <DialogContent>
          <TextField select required fullWidth margin="normal" label="Outcome" value={outcome}
            onChange={(e) => setOutcome(e.target.value)}>
            {outcomeChoices.map((c) => <MenuItem key={c.id} value={c.id}>{c.name}</MenuItem>)}
          </TextField>
          <TextField fullWidth multiline minRows={3} margin="normal" label="Note" value={note}
            onChange={(e) => setNote(e.target.value)} slotProps={{ htmlInput: { maxLength: 2000 } }} />
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setOpen(false)}>Cancel</MuiButton>
          <MuiButton variant="contained" disabled={!outcome || isPending} onClick={() => mutate(String(record.id))}>Confirm</MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
};
