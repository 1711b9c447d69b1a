import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Checkbox,
  FormControlLabel,
  Grid,
  MenuItem,
  TextField,
  type TextFieldProps,
  Typography,
} from '@mui/material';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useDataProvider, useGetList, useTranslate } from 'react-admin';
import { channels } from '../../../domain/case.ts';
import type { ServiceIntake } from '../../../contracts/reference.ts';
import { useChoices } from '../common/choices.ts';
import { fieldErrors, type SportelloDataProvider } from '../dataProvider.ts';
import type { CitizenValues } from './CitizenStep.tsx';
import { detailsOf, type IntakeField, intakeProblems, normalisePhone } from './intake.ts';

export interface OpenedCase {
  id: string;
  intake: ServiceIntake;
}

interface Props {
  citizen: CitizenValues;
  setCitizen: (c: CitizenValues) => void;
  municipalityId: string;
  setMunicipalityId: (id: string) => void;
  onOpened: (opened: OpenedCase) => void;
}

/**
 * Step 2: what the citizen asks. The service's own fields come from its published definition and
 * are checked as they are typed by the API's own rules; whatever the API still refuses is shown on
 * the field it names.
 */
export const RequestStep = ({ citizen, setCitizen, municipalityId, setMunicipalityId, onOpened }: Props) => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const channelChoices = useChoices('channel', channels);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [serviceId, setServiceId] = useState('');
  const [channel, setChannel] = useState('phone');
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});

  const { data: municipalities = [] } = useGetList<{ id: string; name: string }>('municipalities', {
    sort: { field: 'name', order: 'ASC' },
  });
  const { data: services = [] } = useGetList<{ id: string; name: string }>(
    'services',
    { filter: { municipalityId }, pagination: { page: 1, perPage: 100 }, sort: { field: 'name', order: 'ASC' } },
    { enabled: !!municipalityId },
  );
  const { data: intake } = useQuery({
    queryKey: ['service-intake', serviceId],
    enabled: !!serviceId,
    queryFn: () => dataProvider.get<ServiceIntake>(`services/${encodeURIComponent(serviceId)}/intake`),
  });
  const fields = intake?.fields ?? [];
  const problems = intakeProblems(fields, values);
  const subjectProblem = subject.trim().length < 3;

  const { mutate, isPending, error } = useMutation({
    mutationFn: () => {
      const [mId, serviceCode] = serviceId.split(':');
      const who = Object.fromEntries(
        Object.entries({ ...citizen, phone: normalisePhone(citizen.phone) })
          .map(([k, v]) => [k, v.trim()])
          .filter(([, v]) => v),
      );
      return dataProvider.post<{ id: string }>(
        'cases',
        {
          municipalityId: mId,
          serviceCode,
          channel,
          subject: subject.trim(),
          description: description.trim(),
          citizen: who,
          details: detailsOf(fields, values),
        },
        { 'idempotency-key': idempotencyKey },
      );
    },
    onSuccess: (created) => onOpened({ id: created.id, intake: intake! }),
    onError: (e) => setServerErrors(fieldErrors(e)),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSubmitted(true);
    const form = e.currentTarget;
    // From the keyboard: the cursor goes to the first field to correct, once the errors are drawn.
    const focusFirstError = () => setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 50);
    if (!intake || subjectProblem || Object.keys(problems).length > 0) {
      focusFirstError();
      return;
    }
    mutate(undefined, { onError: focusFirstError });
  };

  /** The message on a field: the server's if it named it, else ours once touched or submitted. */
  const shown = (path: string, problem: string | undefined, touchedNow: boolean) =>
    serverErrors[path] ?? (problem && (touchedNow || submitted) ? translate(`app.contact.invalid.${problem}`) : undefined);
  const clearServer = (path: string) => setServerErrors(({ [path]: _, ...rest }) => rest);
  const text = (path: string, props: TextFieldProps, problem?: string) => {
    const message = shown(path, problem, !!touched[path]);
    return (
      <TextField
        fullWidth
        margin="dense"
        {...props}
        error={!!message}
        helperText={message ?? props.helperText ?? ' '}
        onBlur={() => setTouched((t) => ({ ...t, [path]: true }))}
      />
    );
  };

  const field = (f: IntakeField) => {
    const path = `details.${f.key}`;
    const set = (v: string | boolean) => {
      setValues((vs) => ({ ...vs, [f.key]: v }));
      setTouched((t) => ({ ...t, [path]: true }));
      clearServer(path);
    };
    if (f.type === 'boolean') {
      return (
        <Grid key={f.key} size={{ xs: 12, sm: 6 }}>
          <FormControlLabel
            label={f.label}
            control={<Checkbox checked={values[f.key] === true} onChange={(e) => set(e.target.checked)} />}
          />
        </Grid>
      );
    }
    return (
      <Grid key={f.key} size={{ xs: 12, sm: f.type === 'textarea' ? 12 : 6 }}>
        {text(
          path,
          {
            label: f.label,
            required: f.required,
            value: values[f.key] ?? '',
            onChange: (e) => set(e.target.value),
            helperText: f.help,
            select: f.type === 'select',
            multiline: f.type === 'textarea',
            minRows: f.type === 'textarea' ? 3 : undefined,
            type: f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : f.type === 'email' ? 'email' : 'text',
            slotProps: { inputLabel: f.type === 'date' ? { shrink: true } : undefined, htmlInput: { maxLength: f.maxLength, name: f.key } },
            children: f.options?.map((o) => (
              <MenuItem key={o.value} value={o.value}>
                {o.label}
              </MenuItem>
            )),
          },
          problems[f.key],
        )}
      </Grid>
    );
  };
  const citizenField = (key: keyof CitizenValues) =>
    text(`citizen.${key}`, {
      label: translate(`app.contact.citizen.${key}`),
      value: citizen[key],
      type: key === 'email' ? 'email' : 'text',
      ...(key === 'address' ? { multiline: true, minRows: 2, helperText: translate('app.contact.citizen.addressHelp') } : {}),
      onChange: (e) => {
        setCitizen({ ...citizen, [key]: e.target.value });
        clearServer(`citizen.${key}`);
      },
    });

  return (
    <Card component="section" aria-labelledby="request-step">
      <CardContent component="form" onSubmit={submit} noValidate>
        <Typography id="request-step" component="h2" variant="h6">
          {translate('app.contact.request.legend')}
        </Typography>
        <Grid container columnSpacing={2}>
          {(['name', 'phone', 'email', 'fiscalCode'] as const).map((k) => (
            <Grid key={k} size={{ xs: 12, sm: 6 }}>
              {citizenField(k)}
            </Grid>
          ))}
          <Grid size={{ xs: 12 }}>{citizenField('address')}</Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            {text('municipalityId', {
              select: true,
              required: true,
              label: translate('app.contact.request.municipality'),
              value: municipalityId,
              onChange: (e) => {
                setMunicipalityId(e.target.value);
                setServiceId('');
                setValues({});
              },
              children: municipalities.map((m) => (
                <MenuItem key={m.id} value={m.id}>
                  {m.name}
                </MenuItem>
              )),
            })}
          </Grid>
          <Grid size={{ xs: 12, sm: 5 }}>
            {text(
              'serviceCode',
              {
                select: true,
                required: true,
                label: translate('app.contact.request.service'),
                value: serviceId,
                onChange: (e) => {
                  setServiceId(e.target.value);
                  setValues({});
                  clearServer('serviceCode');
                },
                children: services.map((s) => (
                  <MenuItem key={s.id} value={s.id}>
                    {s.name}
                  </MenuItem>
                )),
              },
              submitted && !serviceId ? 'required' : undefined,
            )}
          </Grid>
          <Grid size={{ xs: 12, sm: 3 }}>
            {text('channel', {
              select: true,
              required: true,
              label: translate('app.contact.request.channel'),
              value: channel,
              onChange: (e) => setChannel(e.target.value),
              children: channelChoices.map((c) => (
                <MenuItem key={c.id} value={c.id}>
                  {c.name}
                </MenuItem>
              )),
            })}
          </Grid>
          <Grid size={12}>
            {text(
              'subject',
              {
                required: true,
                label: translate('app.contact.request.subject'),
                value: subject,
                slotProps: { htmlInput: { maxLength: 200 } },
                onChange: (e) => {
                  setSubject(e.target.value);
                  clearServer('subject');
                },
              },
              subjectProblem ? 'subject' : undefined,
            )}
          </Grid>
          <Grid size={12}>
            {text('description', {
              multiline: true,
              minRows: 2,
              label: translate('app.contact.request.description'),
              value: description,
              slotProps: { htmlInput: { maxLength: 5000 } },
              onChange: (e) => setDescription(e.target.value),
            })}
          </Grid>
        </Grid>
        {intake && (
          <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
            <Typography component="legend" variant="subtitle1">
              {translate('app.contact.request.details')}
            </Typography>
            <Typography variant="body2" sx={{ mb: 1 }}>
              {translate(intake.operatorMayClose ? 'app.contact.request.mayClose' : 'app.contact.request.mustTransfer')}
            </Typography>
            <Grid container columnSpacing={2}>
              {fields.map(field)}
            </Grid>
          </Box>
        )}
        {error && Object.keys(serverErrors).length === 0 && (
          <Alert severity="error" role="alert">
            {error.message}
          </Alert>
        )}
        {error && Object.keys(serverErrors).length > 0 && (
          <Alert severity="error" role="alert">
            {translate('app.contact.fixErrors')}
          </Alert>
        )}
        <Button type="submit" variant="contained" disabled={isPending} sx={{ mt: 2 }}>
          {translate('app.contact.request.submit')}
        </Button>
      </CardContent>
    </Card>
  );
};
