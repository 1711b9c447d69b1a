import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Title, useDataProvider, useGetList, useTranslate } from 'react-admin';
import type { MessageTemplate } from '../../../contracts/message-templates.ts';
import { fieldErrors, type SportelloDataProvider } from '../dataProvider.ts';

type Preview = { subject: string; body: string };
const pathOf = (municipalityId: string, t?: Pick<MessageTemplate, 'event' | 'language'>) =>
  `municipalities/${encodeURIComponent(municipalityId)}/message-templates${t ? `/${t.event}/${t.language}` : ''}`;

/** An event's name in the console's language; an event the console does not know yet by its code. */
function useEventName() {
  const translate = useTranslate();
  return (event: string) => translate(`app.templates.events.${event.replace(/\./g, '_')}`, { _: event });
}

/** One template in the editor: its subject and body, the live preview, save and reset to the default. */
const Editor = ({ municipalityId, template, onDone }: { municipalityId: string; template: MessageTemplate; onDone: () => void }) => {
  const translate = useTranslate();
  const eventName = useEventName();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const client = useQueryClient();
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const [draft, setDraft] = useState({ subject: template.subject, body: template.body });
  const [saved, setSaved] = useState<string | null>(null);
  // The preview follows the text a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => setDraft({ subject, body }), 300);
    return () => clearTimeout(timer);
  }, [subject, body]);
  const input = { subject: draft.subject.trim() ? draft.subject : null, body: draft.body };
  const preview = useQuery({
    queryKey: ['message-templates', municipalityId, template.id, 'preview', input],
    queryFn: () => dataProvider.post<Preview>(`${pathOf(municipalityId, template)}/preview`, input),
    enabled: input.body.trim().length > 0,
    retry: false,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['message-templates', municipalityId, 'list'] });
  const save = useMutation({
    mutationFn: () =>
      dataProvider.put<MessageTemplate>(pathOf(municipalityId, template), { subject: subject.trim() ? subject : null, body }),
    onSuccess: () => {
      setSaved(translate('app.templates.saved'));
      return refresh();
    },
  });
  const reset = useMutation({
    mutationFn: () => dataProvider.del<MessageTemplate>(pathOf(municipalityId, template)),
    onSuccess: (t) => {
      setSubject(t.subject);
      setBody(t.body);
      setSaved(translate('app.templates.wasReset'));
      return refresh();
    },
  });
  const errors = { ...fieldErrors(preview.error), ...fieldErrors(save.error) };
  const failure = (save.error ?? reset.error) as Error | null;
  const title = `${eventName(template.event)} · ${translate(`app.templates.languages.${template.language}`)}`;
  return (
    <Card variant="outlined" component="section" aria-label={translate('app.templates.editing', { name: title })} sx={{ mt: 2 }}>
      <CardContent>
        <Typography component="h2" variant="h6">
          {title}
        </Typography>
        <Typography variant="body2" sx={{ mb: 2 }}>
          {translate('app.templates.placeholders')}{' '}
          {template.placeholders.map((p) => (
            <Chip key={p} size="small" label={`{${p}}`} sx={{ mr: 0.5, fontFamily: 'monospace' }} />
          ))}
        </Typography>
        <Stack spacing={2}>
          <TextField
            label={translate('app.templates.subject')}
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            error={Boolean(errors.subject)}
            helperText={errors.subject ?? translate('app.templates.subjectHelp')}
          />
          <TextField
            label={translate('app.templates.body')}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            multiline
            minRows={3}
            error={Boolean(errors.body)}
            helperText={
              errors.body ?? translate(template.audience === 'citizen' ? 'app.templates.bodyHelpCitizen' : 'app.templates.bodyHelp')
            }
          />
        </Stack>
        <Box component="section" aria-label={translate('app.templates.preview')} sx={{ mt: 2, p: 2, bgcolor: 'grey.100', borderRadius: 1 }}>
          <Typography component="h3" variant="subtitle2">
            {translate('app.templates.preview')}
          </Typography>
          {preview.data && (
            <>
              <Typography variant="body2" sx={{ fontWeight: 'bold' }} data-testid="preview-subject">
                {preview.data.subject}
              </Typography>
              <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="preview-body">
                {preview.data.body}
              </Typography>
            </>
          )}
        </Box>
        <div aria-live="polite">
          {failure && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {failure.message}
            </Alert>
          )}
          {saved && (
            <Alert severity="success" sx={{ mt: 2 }} onClose={() => setSaved(null)}>
              {saved}
            </Alert>
          )}
        </div>
        <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
          <Button variant="contained" disabled={save.isPending || !body.trim()} onClick={() => save.mutate()}>
            {translate('app.templates.save')}
          </Button>
          <Button variant="outlined" disabled={reset.isPending || !template.custom} onClick={() => reset.mutate()}>
            {translate('app.templates.reset')}
          </Button>
          <Button onClick={onDone}>{translate('app.templates.close')}</Button>
        </Stack>
      </CardContent>
    </Card>
  );
};

/**
 * The administrator's wording of their municipality's messages: every event in Italian and English,
 * its own template or the default, each edited with a live preview (the API renders it with the
 * event's sample data) and reset to the default.
 */
export const TemplatesPage = () => {
  const translate = useTranslate();
  const eventName = useEventName();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const { data: municipalities } = useGetList('municipalities', {
    pagination: { page: 1, perPage: 100 },
    sort: { field: 'name', order: 'ASC' },
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const municipalityId = chosen ?? municipalities?.[0]?.id ?? null;
  const [editing, setEditing] = useState<string | null>(null);
  const { data: templates, error } = useQuery({
    queryKey: ['message-templates', municipalityId, 'list'],
    queryFn: () => dataProvider.get<MessageTemplate[]>(pathOf(municipalityId!)),
    enabled: Boolean(municipalityId),
  });
  const current = templates?.find((t) => t.id === editing);
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.menu.templates" />
      <Typography component="h1" variant="h5">
        {translate('app.templates.title')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        {translate('app.templates.help')}
      </Typography>
      {municipalities && municipalities.length > 1 && (
        <TextField
          select
          label={translate('app.templates.municipality')}
          value={municipalityId ?? ''}
          onChange={(e) => {
            setChosen(e.target.value);
            setEditing(null);
          }}
          sx={{ minWidth: 260, mb: 2 }}
        >
          {municipalities.map((m) => (
            <MenuItem key={m.id} value={m.id}>
              {m.name}
            </MenuItem>
          ))}
        </TextField>
      )}
      {error && <Alert severity="error">{(error as Error).message}</Alert>}
      {municipalityId && current && (
        <Editor
          key={`${municipalityId}:${current.id}`}
          municipalityId={municipalityId}
          template={current}
          onDone={() => setEditing(null)}
        />
      )}
      {templates && (
        <Table size="small" aria-label={translate('app.templates.title')} sx={{ mt: 2 }}>
          <TableHead>
            <TableRow>
              <TableCell>{translate('app.templates.event')}</TableCell>
              <TableCell>{translate('app.templates.language')}</TableCell>
              <TableCell>{translate('app.templates.audience')}</TableCell>
              <TableCell>{translate('app.templates.wording')}</TableCell>
              <TableCell>{translate('app.templates.body')}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {templates.map((t) => (
              <TableRow key={t.id} selected={t.id === editing}>
                <TableCell>{eventName(t.event)}</TableCell>
                <TableCell>{translate(`app.templates.languages.${t.language}`)}</TableCell>
                <TableCell>{translate(`app.templates.audiences.${t.audience}`)}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    color={t.custom ? 'primary' : 'default'}
                    label={translate(t.custom ? 'app.templates.custom' : 'app.templates.default')}
                  />
                </TableCell>
                <TableCell sx={{ maxWidth: 420, overflowWrap: 'anywhere' }}>{t.body}</TableCell>
                <TableCell>
                  <Button
                    size="small"
                    aria-label={translate('app.templates.editOne', {
                      name: `${eventName(t.event)} · ${translate(`app.templates.languages.${t.language}`)}`,
                    })}
                    onClick={() => setEditing(t.id)}
                  >
                    {translate('app.templates.edit')}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
};
