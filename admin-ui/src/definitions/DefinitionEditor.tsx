import { Alert, Box, List, ListItem, ListItemButton, TextField, Typography } from '@mui/material';
import { useEffect, useId, useRef, useState } from 'react';
import { useDataProvider, useTranslate } from 'react-admin';
import { type Problem, type SportelloDataProvider } from '../dataProvider.ts';
import { lineOf, offsetOfPath } from './jsonPaths.ts';

export interface Issue {
  path: string;
  message: string;
}
const lineHeight = 20;

/** The API's paths are the request's (`body.sla.office`); the editor shows the document's. */
export const documentIssues = (issues: Issue[] = []) => issues.map((i) => ({ path: i.path.replace(/^body\.?/, ''), message: i.message }));
const problemIssues = (error: unknown) => documentIssues((error as { body?: Problem } | null)?.body?.errors);

/**
 * A definition as JSON: monospace, checked as it is typed (JSON syntax here, then the API's own
 * rules through /validate), each problem listed at its path; choosing one puts the cursor there.
 * `extra` are problems the last save was refused with.
 */
export const DefinitionEditor = ({
  serviceCode,
  text,
  onChange,
  editable,
  extra,
}: {
  serviceCode: string;
  text: string;
  onChange: (text: string) => void;
  editable: boolean;
  extra: Issue[];
}) => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [checked, setChecked] = useState<{ syntax?: string; issues: Issue[] } | null>(null);

  useEffect(() => {
    if (!editable) return undefined;
    let current = true;
    setChecked(null);
    const check = async () => {
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (e) {
        if (current) setChecked({ syntax: (e as Error).message, issues: [] });
        return;
      }
      const issues = await dataProvider
        .post<{ issues: Issue[] }>(`definitions/${encodeURIComponent(serviceCode)}/validate`, document)
        .then((r) => documentIssues(r.issues), problemIssues);
      if (current) setChecked({ issues });
    };
    const timer = setTimeout(() => void check(), 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, editable, serviceCode, dataProvider]);

  const issues = [...extra.filter((e) => !checked?.issues.some((i) => i.path === e.path)), ...(checked?.issues ?? [])];
  const jump = (path: string) => {
    const el = area.current;
    if (!el) return;
    const at = offsetOfPath(text, path);
    const end = text.indexOf('\n', at);
    el.focus();
    el.setSelectionRange(at, end < 0 ? text.length : end);
    el.scrollTop = Math.max(0, (lineOf(text, at) - 3) * lineHeight);
  };
  const status = !editable ? null : checked === null ? (
    <Typography variant="body2">{translate('app.definitions.editor.checking')}</Typography>
  ) : checked.syntax ? (
    <Alert severity="error">{translate('app.definitions.editor.syntax', { reason: checked.syntax })}</Alert>
  ) : issues.length === 0 ? (
    <Alert severity="success">{translate('app.definitions.editor.valid')}</Alert>
  ) : (
    <Alert severity="error">{translate('app.definitions.editor.issues', { smart_count: issues.length })}</Alert>
  );
  return (
    <Box>
      <TextField
        label={translate('app.definitions.editor.label')}
        multiline
        rows={24}
        fullWidth
        value={text}
        onChange={(e) => onChange(e.target.value)}
        inputRef={area}
        error={!!checked?.syntax || issues.length > 0}
        slotProps={{
          htmlInput: {
            readOnly: !editable,
            spellCheck: false,
            'aria-describedby': issues.length ? listId : undefined,
            style: { fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13, lineHeight: `${lineHeight}px` },
          },
        }}
        helperText={editable ? translate('app.definitions.editor.help') : translate('app.definitions.editor.readOnly')}
      />
      <Box role="status" aria-live="polite" sx={{ mt: 1 }}>
        {status}
      </Box>
      {issues.length > 0 && (
        <List dense id={listId} aria-label={translate('app.definitions.editor.issueList')}>
          {issues.map((i) => (
            <ListItem key={`${i.path}:${i.message}`} disablePadding>
              <ListItemButton onClick={() => jump(i.path)}>
                <Typography variant="body2">
                  <code>{i.path || translate('app.definitions.editor.document')}</code>: {i.message}
                </Typography>
              </ListItemButton>
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
};
