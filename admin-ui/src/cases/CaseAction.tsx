import { useDataProvider, useRecordContext, useTranslate } from 'react-admin';
import { outcomes } from '../../../domain/case.ts';
import { ActionDialog, type DialogField } from '../common/ActionDialog.tsx';
import { useChoices } from '../common/choices.ts';
import { instantOfRomeInput } from '../common/time.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

type Action = 'resolve' | 'transfer' | 'notes' | 'withdraw' | 'callbacks';

/**
 * A command on a case as a dialog: the workflow decides whether it is allowed, and its reason
 * is shown as is (on the field it names, or as a notification).
 */
const CaseCommand = ({
  action,
  fields,
  body = (v) => v,
}: {
  action: Action;
  fields: DialogField[];
  body?: (values: Record<string, string>) => object;
}) => {
  const record = useRecordContext<{ id: string }>();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <ActionDialog
      label={translate(`app.action.${action}.label`)}
      title={translate(`app.action.${action}.title`, { id: record.id })}
      done={translate(`app.action.${action}.done`)}
      fields={fields}
      run={(values) => dataProvider.post(`cases/${encodeURIComponent(record.id)}/${action}`, body(values))}
    />
  );
};

const useNote = (): DialogField => ({ name: 'note', label: useTranslate()('app.action.note'), multiline: true, maxLength: 2000 });

export const ResolveCase = () => {
  const translate = useTranslate();
  const outcome = { name: 'outcome', label: translate('app.action.outcome'), required: true, choices: useChoices('outcome', outcomes) };
  return <CaseCommand action="resolve" fields={[outcome, useNote()]} />;
};
export const TransferCase = () => <CaseCommand action="transfer" fields={[useNote()]} />;
export const WithdrawCase = () => <CaseCommand action="withdraw" fields={[useNote()]} />;
export const AddNote = () => (
  <CaseCommand
    action="notes"
    fields={[{ name: 'text', label: useTranslate()('app.action.notes.text'), required: true, multiline: true, maxLength: 5000 }]}
  />
);

/** A call to the citizen at a time typed in Rome's clock; the service's callback window is the server's to check. */
export const ScheduleCallback = () => {
  const translate = useTranslate();
  const at = {
    name: 'at',
    label: translate('app.action.callbacks.at'),
    required: true,
    type: 'datetime-local' as const,
    help: translate('app.action.callbacks.help'),
  };
  return (
    <CaseCommand
      action="callbacks"
      fields={[at, useNote()]}
      body={({ at: local = '', ...rest }) => ({ at: instantOfRomeInput(local) ?? local, ...rest })}
    />
  );
};
