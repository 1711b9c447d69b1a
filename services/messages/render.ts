import {
  defaultSubjects,
  defaultTemplates,
  type Language,
  type Message,
  type MessageEvent,
  municipalTemplates,
  pageLinkLine,
  type Template,
} from './templates.ts';

export interface RenderContext {
  caseId: string;
  language: Language;
  /** The municipality whose wording is used, when it has its own for this event and language. */
  municipalityId: string | null;
  /** The citizen's own page of the case, ending the message when given. */
  pageUrl?: string | null;
}

/** What to say: the message's template in the recipient's language, the municipality's own wording first. */
export function render(message: Message, { caseId, language, municipalityId, pageUrl }: RenderContext): string {
  const own = municipalityId ? municipalTemplates[municipalityId]?.[message.event]?.[language] : undefined;
  const template = (own ?? defaultTemplates[message.event][language]) as Template<MessageEvent>;
  // The event picked the template, so the data is that template's (TypeScript cannot correlate the two).
  const text = template(message.data as never, caseId);
  return pageUrl ? `${text}\n${pageLinkLine[language](pageUrl)}` : text;
}

/** The subject of a written message: the case number first. */
export const renderSubject = (message: Message, { caseId, language }: RenderContext): string =>
  defaultSubjects[message.event][language](caseId);
