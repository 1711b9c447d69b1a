import { useDataProvider, useRecordContext, useTranslate } from 'react-admin';
import { outcomes } from '../../../domain/case.ts';
import { ActionDialog } from '../common/ActionDialog.tsx';
import { useChoices } from '../common/choices.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

/**
 * The first-level decisions on a case: resolve with an outcome, or transfer to the office. The
 * workflow decides whether they are allowed; its reason is shown as is.
 */
const CaseCommand = ({ action }: { action: 'resolve' | 'transfer' }) => {
  const record = useRecordContext<{ id: string }>();
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const translate = useTranslate();
  const outcomeChoices = useChoices('outcome', outcomes);
  if (!record) return null;
  const note = { name: 'note', label: translate('app.action.note'), multiline: true, maxLength: 2000 };
  return (
    <ActionDialog label={translate(`app.action.${action}.label`)} title={translate(`app.action.${action}.title`, { id: record.id })}
      done={translate(`app.action.${action}.done`)}
      fields={action === 'resolve' ? [{ name: 'outcome', label: translate('app.action.outcome'), required: true, choices: outcomeChoices }, note] : [note]}
      run={(body) => dataProvider.post(`cases/${encodeURIComponent(record.id)}/${action}`, body)} />
  );
};

export const ResolveCase = () => <CaseCommand action="resolve" />;
export const TransferCase = () => <CaseCommand action="transfer" />;
