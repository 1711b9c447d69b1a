import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Grid,
  List,
  ListItem,
  ListItemButton,
  ListItemText,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type Ref, useState } from 'react';
import { Link } from 'react-router-dom';
import { useDataProvider, useLocale, useTranslate } from 'react-admin';
import type { CitizenLookup } from '../../../contracts/citizens.ts';
import { CitizenExport } from '../citizens/CitizenExport.tsx';
import { formatDateTime } from '../common/time.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';
import { isValidPhone, type LookupKey, lookupKeyOf, normalisePhone } from './intake.ts';

export interface CitizenValues {
  name: string;
  phone: string;
  email: string;
  fiscalCode: string;
  /** Postal address for letters: street, then postcode and town on the next line. */
  address: string;
}
export const noCitizen: CitizenValues = { name: '', phone: '', email: '', fiscalCode: '', address: '' };

interface Props {
  lookupRef: Ref<HTMLInputElement>;
  /** The citizen the case will be for: found (their contacts filled in) or new (what was typed). */
  onCitizen: (citizen: CitizenValues) => void;
}

/** Step 1: who is calling. Their open cases and every past contact are shown as soon as they are found. */
export const CitizenStep = ({ lookupRef, onCitizen }: Props) => {
  const translate = useTranslate();
  const locale = useLocale();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const [typed, setTyped] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [notFound, setNotFound] = useState<LookupKey | null>(null);
  const key = lookupKeyOf(typed);
  const typedCitizen = (): CitizenValues => ({
    ...noCitizen,
    ...(key === 'phone'
      ? { phone: normalisePhone(typed) }
      : key === 'email'
        ? { email: typed.trim() }
        : key === 'fiscalCode'
          ? { fiscalCode: typed.trim().toUpperCase() }
          : {}),
  });
  const {
    mutate,
    data: found,
    error,
    isPending,
    reset,
  } = useMutation({
    mutationFn: (k: LookupKey) =>
      dataProvider.get<CitizenLookup>(
        `citizens/lookup?${new URLSearchParams({ [k]: k === 'phone' ? normalisePhone(typed) : typed.trim() })}`,
      ),
    onSuccess: (l) =>
      onCitizen({
        name: l.citizen.name ?? '',
        phone: key === 'phone' ? normalisePhone(typed) : (l.citizen.phones[0] ?? ''),
        email: l.citizen.emails[0] ?? '',
        fiscalCode: l.citizen.fiscalCodes[0] ?? '',
        address: l.citizen.address ?? '',
      }),
    onError: (e: Error & { status?: number }, k) => {
      if (e.status === 404) {
        setNotFound(k);
        onCitizen(typedCitizen());
      }
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotFound(null);
    reset();
    if (!key || (key === 'phone' && !isValidPhone(typed))) {
      setInvalid(true);
      return;
    }
    mutate(key);
  };
  const openCases = found?.cases.filter((c) => c.status === 'open') ?? [];
  return (
    <Card component="section" aria-labelledby="citizen-step">
      <CardContent>
        <Typography id="citizen-step" component="h2" variant="h6">
          {translate('app.contact.lookup.legend')}
        </Typography>
        <Box component="form" role="search" onSubmit={submit} noValidate sx={{ display: 'flex', gap: 1, mt: 1, flexWrap: 'wrap' }}>
          <TextField
            inputRef={lookupRef}
            autoFocus
            label={translate('app.contact.lookup.label')}
            value={typed}
            sx={{ flex: 1, minWidth: 260 }}
            onChange={(e) => {
              setTyped(e.target.value);
              setInvalid(false);
            }}
            error={invalid}
            helperText={
              invalid
                ? translate('app.contact.lookup.invalid')
                : key
                  ? translate(`app.contact.key.${key}`)
                  : translate('app.contact.lookup.help')
            }
          />
          <Button type="submit" variant="contained" disabled={isPending} sx={{ alignSelf: 'flex-start', mt: 1 }}>
            {translate('app.contact.lookup.submit')}
          </Button>
          <Button
            type="button"
            sx={{ alignSelf: 'flex-start', mt: 1 }}
            onClick={() => {
              reset();
              setNotFound(null);
              onCitizen(typedCitizen());
            }}
          >
            {translate('app.contact.lookup.newCitizen')}
          </Button>
        </Box>
        <div aria-live="polite">
          {notFound && (
            <Alert severity="info">{translate('app.contact.lookup.notFound', { key: translate(`app.contact.key.${notFound}`) })}</Alert>
          )}
          {error && (error as { status?: number }).status !== 404 && <Alert severity="error">{error.message}</Alert>}
          {found && (
            <Alert severity="success">
              {translate('app.contact.lookup.found')}: {found.citizen.name ?? '—'} ·{' '}
              {[...found.citizen.phones, ...found.citizen.emails, ...found.citizen.fiscalCodes].join(' · ')}
              <CitizenExport citizenId={found.citizen.id} />
            </Alert>
          )}
        </div>
        {found && (
          <Grid container spacing={2} sx={{ mt: 1 }}>
            <Grid size={{ xs: 12, md: 6 }}>
              <Typography component="h3" variant="subtitle1">
                {translate('app.contact.lookup.openCases')}
              </Typography>
              <List dense>
                {openCases.map((c) => (
                  <ListItem key={c.id} disablePadding>
                    <ListItemButton component={Link} to={`/cases/${encodeURIComponent(c.id)}/show`}>
                      <ListItemText
                        primary={`${c.id} · ${c.subject}`}
                        secondary={`${c.serviceName} · ${formatDateTime(c.createdAt, locale)}`}
                      />
                    </ListItemButton>
                  </ListItem>
                ))}
                {openCases.length === 0 && <ListItem>{translate('app.contact.lookup.noOpenCases')}</ListItem>}
              </List>
            </Grid>
            <Grid size={{ xs: 12, md: 6 }}>
              <Typography component="h3" variant="subtitle1">
                {translate('app.contact.lookup.history')}
              </Typography>
              <List dense>
                {found.contacts.slice(0, 10).map((c, i) => (
                  <ListItem key={i}>
                    <ListItemText
                      primary={`${formatDateTime(c.at, locale)} · ${c.caseId} · ${translate(`app.contact.lookup.${c.direction}`)}${c.channel ? ` (${translate(`app.channel.${c.channel}`, { _: c.channel })})` : ''}`}
                      secondary={c.text ?? c.type}
                    />
                  </ListItem>
                ))}
                {found.contacts.length === 0 && <ListItem>{translate('app.contact.lookup.noHistory')}</ListItem>}
              </List>
            </Grid>
          </Grid>
        )}
      </CardContent>
    </Card>
  );
};
