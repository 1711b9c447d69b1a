import {
  Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField,
} from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { CaseAction, SportelloDataProvider } from '../dataProvider.ts';
import { outcomeChoices } from './caseChoices.ts';

interface Props { action: CaseAction; label: string; title: string; done: string; withOutcome: boolean }

/**
 * A case action as a button and a dialog: an optional outcome, an optional note. The workflow
 * decides whether it is allowed; its reason is shown as is.
 */
const CaseActionDialog = ({ action, label, title, done, withOutcome }: Props) => {
  const record = useRecordContext<{ id: string }>();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const { mutate, isPending } = useMutation({
    mutationFn: (id: string) => dataProvider.caseAction(id, action, {
      ...(withOutcome ? { outcome } : {}), ...(note.trim() ? { note: note.trim() } : {}),
    }),
    onSuccess: () => {
      setOpen(false);
      notify(done, { type: 'success' });
      refresh();
    },
    onError: (error: Error) => notify(error.message, { type: 'error' }),
  });
  if (!record) return null;
  const titleId = `${action}-case-title`;
  return (
    <>
      <Button label={label} onClick={() => setOpen(true)} />
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId} fullWidth>
        <DialogTitle id={titleId}>{title} {record.id}</DialogTitle>
        <DialogContent>
          {withOutcome && (
            <TextField select required fullWidth margin="normal" label="Outcome" value={outcome}
              onChange={(e) => setOutcome(e.target.value)}>
              {outcomeChoices.map((c) => <MenuItem key={c.id} value={c.id}>{c.name}</MenuItem>)}
            </TextField>
          )}
          <TextField fullWidth multiline minRows={3} margin="normal" label="Note" value={note}
            onChange={(e) => setNote(e.target.value)} slotProps={{ htmlInput: { maxLength: 2000 } }} />
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setOpen(false)}>Cancel</MuiButton>
          <MuiButton variant="contained" disabled={(withOutcome && !outcome) || isPending} onClick={() => mutate(String(record.id))}>Confirm</MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
};

export const ResolveCase = () =>
  <CaseActionDialog action="resolve" label="Resolve" title="Resolve case" done="Case resolved" withOutcome />;
export const TransferCase = () =>
  <CaseActionDialog action="transfer" label="Transfer to office" title="Transfer case" done="Case transferred" withOutcome={false} />;
