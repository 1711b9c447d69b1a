import { Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Title, useDataProvider, useGetList, useLocale, useNotify, usePermissions, useTranslate } from 'react-admin';
import type { DefinitionVersion, DefinitionVersionDetail } from '../../../contracts/definitions.ts';
import { ActionDialog } from '../common/ActionDialog.tsx';
import { formatDateTime } from '../common/time.ts';
import type { Problem, SportelloDataProvider } from '../dataProvider.ts';
import { mayDesign } from '../roles.ts';
import { DefinitionEditor, documentIssues, type Issue } from './DefinitionEditor.tsx';
import { DefinitionDiff, VersionCases, VersionStatusChip } from './DefinitionParts.tsx';
import { StageDiagram } from './StageDiagram.tsx';

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <Card component="section" aria-label={title} sx={{ mb: 2 }}>
    <CardContent>
      <Typography component="h2" variant="h6" sx={{ mb: 1 }}>
        {title}
      </Typography>
      {children}
    </CardContent>
  </Card>
);

/**
 * One version of a service's definition: the stages it gives cases, its document (edited while a
 * draft), what changed from the published version, publishing, and the cases running on it.
 */
export const DefinitionPage = () => {
  const { serviceCode = '', version: versionParam = '' } = useParams();
  const version = Number(versionParam);
  const translate = useTranslate();
  const locale = useLocale();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const { permissions: role } = usePermissions<string>();
  const path = `definitions/${encodeURIComponent(serviceCode)}`;
  const {
    data: detail,
    error,
    refetch,
  } = useQuery({
    queryKey: ['definition', serviceCode, version],
    queryFn: () => dataProvider.get<DefinitionVersionDetail>(`${path}/versions/${version}`),
  });
  const { data: versions = [] } = useGetList<DefinitionVersion>('definitions', {
    filter: { serviceCode },
    sort: { field: 'version', order: 'DESC' },
    pagination: { page: 1, perPage: 100 },
  });
  const [text, setText] = useState('');
  const [refused, setRefused] = useState<Issue[]>([]);
  useEffect(() => {
    if (detail) setText(JSON.stringify(detail.document, null, 2));
  }, [detail]);

  const changed = async (message: string, to = version) => {
    notify(message, { type: 'success' });
    await queryClient.invalidateQueries({ queryKey: ['definition'] });
    await queryClient.invalidateQueries({ queryKey: ['definitions'] });
    if (to === version) await refetch();
    else await navigate(`/definitions/${encodeURIComponent(serviceCode)}/${to}`);
  };
  const refusal = (e: Error) => {
    setRefused(documentIssues((e as { body?: Problem }).body?.errors));
    notify(e.message, { type: 'error' });
  };
  const save = useMutation({
    mutationFn: () => dataProvider.put<DefinitionVersionDetail>(`${path}/versions/${version}`, JSON.parse(text)),
    onSuccess: () => changed(translate('app.definitions.saved', { version })),
    onError: refusal,
  });
  const newDraft = useMutation({
    mutationFn: () => dataProvider.post<DefinitionVersionDetail>(`${path}/drafts`, detail!.document),
    onSuccess: (draft) => changed(translate('app.definitions.drafted', { version: draft.version }), draft.version),
    onError: refusal,
  });

  if (error)
    return (
      <Typography color="error" sx={{ p: 3 }}>
        {error.message}
      </Typography>
    );
  if (!detail) return <Typography sx={{ p: 3 }}>{translate('ra.page.loading')}</Typography>;
  const editable = mayDesign(role) && detail.status === 'draft';
  // A draft is compared with the published version; a published version with the one before it.
  const base = versions.find(
    (v) => v.status === 'published' && v.version !== version && (detail.status === 'draft' || v.version < version),
  );
  const draft = versions.find((v) => v.status === 'draft');
  return (
    <Box sx={{ mt: 2 }}>
      <Title title={`${detail.serviceName} · v${version}`} />
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2, flexWrap: 'wrap' }}>
        <Typography component="h1" variant="h5">
          {translate('app.definitions.heading', { name: detail.serviceName, version })}
        </Typography>
        <VersionStatusChip status={detail.status} />
        {detail.publishedAt && (
          <Typography variant="body2">
            {translate('app.definitions.publishedAt', { when: formatDateTime(detail.publishedAt, locale) })}
          </Typography>
        )}
        <Box sx={{ flex: 1 }} />
        {editable && (
          <Button variant="outlined" disabled={save.isPending} onClick={() => save.mutate()}>
            {translate('app.definitions.save')}
          </Button>
        )}
        {editable && (
          <ActionDialog
            label={translate('app.definitions.publish.label')}
            title={translate('app.definitions.publish.title', { version })}
            done={translate('app.definitions.publish.done', { version })}
            fields={[]}
            run={() => dataProvider.post(`${path}/versions/${version}/publish`, {})}
          />
        )}
        {mayDesign(role) && detail.status === 'published' && !draft && (
          <Button variant="outlined" disabled={newDraft.isPending} onClick={() => newDraft.mutate()}>
            {translate('app.definitions.newDraft')}
          </Button>
        )}
      </Stack>
      <Stack
        direction="row"
        spacing={1}
        sx={{ mb: 2, flexWrap: 'wrap', alignItems: 'center' }}
        component="nav"
        aria-label={translate('app.definitions.versions')}
      >
        <Typography variant="body2">{translate('app.definitions.versions')}:</Typography>
        {versions.map((v) => (
          <Chip
            key={v.id}
            component={Link}
            to={`/definitions/${encodeURIComponent(serviceCode)}/${v.version}`}
            clickable
            size="small"
            color={v.version === version ? 'primary' : 'default'}
            aria-current={v.version === version ? 'page' : undefined}
            label={`v${v.version} · ${translate(`app.definitions.status.${v.status}`)} · ${translate('app.definitions.caseCount', { smart_count: v.caseCount })}`}
          />
        ))}
      </Stack>
      <Section title={translate('app.definitions.diagram.title')}>
        <StageDiagram document={detail.document} />
      </Section>
      <Section title={translate('app.definitions.editor.title')}>
        <DefinitionEditor
          serviceCode={serviceCode}
          text={text}
          editable={editable}
          extra={refused}
          onChange={(t) => {
            setText(t);
            setRefused([]);
          }}
        />
      </Section>
      {base && (
        <Section title={translate('app.definitions.diff.title', { from: base.version, to: version })}>
          <DefinitionDiff serviceCode={serviceCode} from={base.version} to={version} />
        </Section>
      )}
      <Section title={translate('app.definitions.cases.title', { version })}>
        <Typography variant="body2" sx={{ mb: 1 }}>
          {Object.entries(detail.casesByStatus)
            .map(([s, n]) => `${translate(`app.status.${s}`)}: ${n}`)
            .join(' · ') || translate('app.definitions.cases.empty')}
        </Typography>
        <VersionCases serviceCode={serviceCode} version={version} />
      </Section>
    </Box>
  );
};
