import { useMutation } from '@tanstack/react-query';
import { Stack } from '@mui/material';
import {
  Button,
  useDataProvider,
  useGetIdentity,
  useGetList,
  useListContext,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import { outcomes } from '../../../domain/case.ts';
import type { TaskListItem } from '../../../contracts/tasks.ts';
import { ActionDialog } from '../common/ActionDialog.tsx';
import { useChoices } from '../common/choices.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

const taskPath = (id: string, action: string) => `tasks/${encodeURIComponent(id)}/${action}`;

/** Other offices a task can be handed to, by name. */
function useOfficeChoices(except?: string) {
  const { data = [] } = useGetList<{ id: string; name: string }>('offices', {
    pagination: { page: 1, perPage: 200 },
    sort: { field: 'name', order: 'ASC' },
  });
  return data.filter((o) => o.id !== except).map((o) => ({ id: o.id, name: o.name }));
}

/** A command without a form (claim, release): success or the server's reason as a notification. */
const QuickCommand = ({ task, action }: { task: TaskListItem; action: 'claim' | 'release' }) => {
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { mutate, isPending } = useMutation({
    mutationFn: () => dataProvider.post(taskPath(task.id, action), {}),
    onSuccess: () => {
      notify(translate(`app.tasks.${action}.done`), { type: 'success' });
      refresh();
    },
    onError: (e: Error) => notify(e.message, { type: 'error' }),
  });
  return (
    <Button
      label={translate(`app.tasks.${action}.label`)}
      disabled={isPending}
      onClick={(e) => {
        e.stopPropagation();
        mutate();
      }}
    />
  );
};

/**
 * What can be done with a task where it stands: claim it when open; when claimed by me, ask the
 * citizen, answer and resolve, or release it; hand it on unless done. The workflow has the last word.
 */
export const TaskActions = () => {
  const task = useRecordContext<TaskListItem>();
  const { identity } = useGetIdentity();
  const translate = useTranslate();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const outcomeChoices = useChoices('outcome', outcomes);
  const offices = useOfficeChoices(task?.officeId);
  if (!task) return null;
  const mine = task.status === 'claimed' && task.assignee === identity?.id;
  const run = (action: string) => (body: Record<string, string>) => dataProvider.post(taskPath(task.id, action), body);
  const t = (key: string) => translate(`app.tasks.${key}`, { id: task.caseId });
  return (
    <Stack direction="row" sx={{ flexWrap: 'wrap' }}>
      {task.status === 'open' && <QuickCommand task={task} action="claim" />}
      {mine && (
        <>
          <ActionDialog
            label={t('ask.label')}
            title={t('ask.title')}
            done={t('ask.done')}
            run={run('request-information')}
            fields={[{ name: 'question', label: t('ask.question'), required: true, minLength: 3, multiline: true, maxLength: 2000 }]}
          />
          <ActionDialog
            label={t('complete.label')}
            title={t('complete.title')}
            done={t('complete.done')}
            run={run('complete')}
            fields={[
              { name: 'outcome', label: translate('app.action.outcome'), required: true, choices: outcomeChoices },
              { name: 'answer', label: t('complete.answer'), required: true, multiline: true, maxLength: 5000 },
            ]}
          />
          <QuickCommand task={task} action="release" />
        </>
      )}
      {task.status !== 'done' && (
        <ActionDialog
          label={t('reassign.label')}
          title={t('reassign.title')}
          done={t('reassign.done')}
          run={run('reassign')}
          fields={[
            { name: 'toOffice', label: t('reassign.office'), required: true, choices: offices },
            { name: 'reason', label: t('reassign.reason'), multiline: true, maxLength: 2000 },
          ]}
        />
      )}
    </Stack>
  );
};

/** A supervisor hands the selected tasks to another office at once; each refusal is reported with its reason. */
export const BulkReassign = () => {
  const { selectedIds, data = [] } = useListContext<TaskListItem>();
  const translate = useTranslate();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll('tasks');
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const offices = useOfficeChoices();
  const caseOf = (id: string) => data.find((t) => t.id === id)?.caseId ?? id;
  const run = async (body: Record<string, string>) => {
    const results = await Promise.allSettled(selectedIds.map((id: string) => dataProvider.post(taskPath(id, 'reassign'), body)));
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected'
        ? [translate('app.tasks.bulkReassign.failed', { id: caseOf(selectedIds[i]), reason: (r.reason as Error).message })]
        : [],
    );
    unselectAll();
    // Some went through: the list shows them moved, the dialog stays open on the refusals.
    if (failed.length) {
      refresh();
      throw new Error([translate('app.tasks.bulkReassign.done', { ok: count - failed.length }), ...failed].join(' · '));
    }
  };
  const count = selectedIds.length;
  return (
    <ActionDialog
      label={translate('app.tasks.bulkReassign.label')}
      title={translate('app.tasks.bulkReassign.title', { smart_count: count })}
      done={translate('app.tasks.bulkReassign.done', { ok: count })}
      run={run}
      fields={[
        { name: 'toOffice', label: translate('app.tasks.reassign.office'), required: true, choices: offices },
        { name: 'reason', label: translate('app.tasks.reassign.reason'), multiline: true, maxLength: 2000 },
      ]}
    />
  );
};
