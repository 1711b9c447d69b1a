import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes the case workflow sets, so Temporal's UI and `temporal workflow list` can filter cases. */
export const caseSearchAttributes = {
  municipality: defineSearchAttributeKey('CaseMunicipality', SearchAttributeType.KEYWORD),
  service: defineSearchAttributeKey('CaseService', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD),
  office: defineSearchAttributeKey('CaseOffice', SearchAttributeType.KEYWORD),
  slaState: defineSearchAttributeKey('CaseSlaState', SearchAttributeType.KEYWORD),
} as const;

/** Name → type, as `temporal operator search-attribute create` and the dev server's flag take them. */
export const searchAttributeRegistrations = Object.values(caseSearchAttributes).map((k) => ({ name: k.name, type: 'Keyword' as const }));
