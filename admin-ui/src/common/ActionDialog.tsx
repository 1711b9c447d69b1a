import { Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactElement, useId, useState } from 'react';
import { Button, useNotify, useRefresh, useTranslate } from 'react-admin';
import { fieldErrors } from '../dataProvider.ts';

export interface DialogField {
  name: string;
  label: string;
  required?: boolean;
  /** A select when given. */
  choices?: { id: string; name: string }[];
  multiline?: boolean;
  /** A date-time picker when given (its value as the input holds it). */
  type?: 'datetime-local';
  help?: string;
  minLength?: number;
  maxLength?: number;
}

interface Props {
  label: string;
  icon?: ReactElement;
  title: string;
  fields: DialogField[];
  /** The success message. */
  done: string;
  run: (values: Record<string, string>) => Promise<unknown>;
}

/**
 * A command as a button and a dialog of a few fields. The server decides whether it is allowed: its
 * field errors are shown on their fields, any other reason in a notification.
 */
export const ActionDialog = ({ label, icon, title, fields, done, run }: Props) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { mutate, isPending } = useMutation({
    mutationFn: () =>
      run(
        Object.fromEntries(
          Object.entries(values)
            .map(([k, v]) => [k, v.trim()])
            .filter(([, v]) => v !== ''),
        ),
      ),
    onSuccess: () => {
      setOpen(false);
      setValues({});
      notify(done, { type: 'success' });
      refresh();
    },
    onError: (error: Error) => {
      const byField = fieldErrors(error);
      setErrors(byField);
      if (!fields.some((f) => byField[f.name])) notify(error.message, { type: 'error' });
    },
  });
  const incomplete = fields.some((f) => f.required && (values[f.name] ?? '').trim().length < (f.minLength ?? 1));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!incomplete && !isPending) mutate();
  };
  return (
    <>
      <Button
        label={label}
        onClick={(e) => {
          e.stopPropagation();
          setErrors({});
          setOpen(true);
        }}
      >
        {icon}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId} fullWidth onClick={(e) => e.stopPropagation()}>
        <form onSubmit={submit} noValidate>
          <DialogTitle id={titleId}>{title}</DialogTitle>
          <DialogContent>
            {fields.map((f, i) => (
              <TextField
                key={f.name}
                name={f.name}
                select={!!f.choices}
                required={f.required}
                fullWidth
                margin="normal"
                label={f.label}
                autoFocus={i === 0}
                multiline={f.multiline}
                minRows={f.multiline ? 3 : undefined}
                value={values[f.name] ?? ''}
                type={f.type}
                error={!!errors[f.name]}
                helperText={errors[f.name] ?? f.help}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
                slotProps={{ htmlInput: { maxLength: f.maxLength }, inputLabel: f.type ? { shrink: true } : undefined }}
              >
                {f.choices?.map((c) => (
                  <MenuItem key={c.id} value={c.id}>
                    {c.name}
                  </MenuItem>
                ))}
              </TextField>
            ))}
          </DialogContent>
          <DialogActions>
            <MuiButton onClick={() => setOpen(false)}>{translate('app.action.cancel')}</MuiButton>
            <MuiButton type="submit" variant="contained" disabled={incomplete || isPending}>
              {translate('app.action.confirm')}
            </MuiButton>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
};
