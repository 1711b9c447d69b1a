import type { ServiceDefinition } from '../../../domain/service-definition.ts';

/** One fact shown in a stage box: a translation key under `app.definitions.diagram.` and its values. */
export interface Fact {
  key: string;
  values?: Record<string, string | number>;
}
export interface Stage {
  id: 'intake' | 'firstLevel' | 'office' | 'callback' | 'survey' | 'closed';
  facts: Fact[];
}

/**
 * The path a case takes through a definition, stage by stage, read from the definition's own
 * fields (so the diagram is the document, never a drawing kept beside it). `name` says offices,
 * weekdays, outcomes and contact channels in words.
 */
export function definitionStages(
  d: ServiceDefinition,
  name: (kind: 'office' | 'day' | 'outcome' | 'contact', id: string) => string,
): Stage[] {
  const officeName = (id: string) => name('office', id);
  const names = (kind: 'day' | 'outcome', ids: readonly string[]) => ids.map((id) => name(kind, id)).join(', ');
  const { office } = d.sla;
  const required = d.intake.fields.filter((f) => f.required).length;
  return [
    { id: 'intake', facts: [{ key: 'fields', values: { smart_count: d.intake.fields.length, required } }] },
    {
      id: 'firstLevel',
      facts: [
        { key: d.firstLevel.operatorMayClose ? 'mayClose' : 'mustTransfer' },
        { key: 'articles', values: { smart_count: d.firstLevel.knowledgeArticles.length } },
      ],
    },
    {
      id: 'office',
      facts: [
        ...Object.entries(d.transfer.offices).map(([municipality, id]) => ({
          key: 'officeOf',
          values: { municipality, office: officeName(id) },
        })),
        { key: 'sla', values: { target: office.targetHours, warning: office.warningHours } },
        office.onBreach.type === 'escalate-to-supervisors'
          ? { key: 'escalate' }
          : { key: 'thirdLevel', values: { office: officeName(office.onBreach.office) } },
        { key: d.transfer.mode === 'live-when-open' ? 'live' : 'taskOnly' },
      ],
    },
    {
      id: 'callback',
      facts: [
        { key: 'attempts', values: { smart_count: d.callback.attempts, spacing: d.callback.spacingMinutes } },
        { key: 'window', values: { from: d.callback.window.from, to: d.callback.window.to, days: names('day', d.callback.window.days) } },
        { key: 'fallback', values: { channel: name('contact', d.callback.fallback) } },
      ],
    },
    {
      id: 'survey',
      facts: d.survey.enabled
        ? [
            { key: 'questions', values: { smart_count: d.survey.questions.length, channel: name('contact', d.survey.channel) } },
            { key: 'wait', values: { hours: d.survey.waitHours } },
          ]
        : [{ key: 'noSurvey' }],
    },
    { id: 'closed', facts: [{ key: 'outcomes', values: { outcomes: names('outcome', d.resolution.outcomes) } }] },
  ];
}
