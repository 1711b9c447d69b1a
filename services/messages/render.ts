import { type EventWording, type Language, type Message, type MessageEvent, pageLinkLine, placeholdersOf, wordings } from './templates.ts';

/** A municipality's own template of an event in a language: a subject (null: the default's) and a body. */
export interface OwnTemplate {
  subject: string | null;
  body: string;
}
/** A municipality's own templates, event by event and language by language; the defaults fill the rest. */
export type OwnTemplates = { [E in MessageEvent]?: Partial<Record<Language, OwnTemplate>> };

export interface RenderContext {
  caseId: string;
  language: Language;
  /** The citizen's own page of the case: a citizen's message carries it (where `{pageUrl}` is, else at the end). */
  pageUrl?: string | null;
}

/** `{name}`: a placeholder. Any other brace is text. */
export const placeholderPattern = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholders a template uses that its event does not give, in order of appearance. */
export function unknownPlaceholders(event: MessageEvent, text: string): string[] {
  const allowed = new Set(placeholdersOf(event));
  return [...new Set([...text.matchAll(placeholderPattern)].map((m) => m[1]!))].filter((name) => !allowed.has(name));
}

// One pass: a value that itself looks like a placeholder (a citizen's question) stays as written.
const fill = (text: string, values: Record<string, string>) =>
  text.replace(placeholderPattern, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));

function valuesOf(message: Message, { caseId, language, pageUrl }: RenderContext): Record<string, string> {
  const wording = wordings[message.event] as EventWording<MessageEvent>;
  // The event picked the wording, so the data is that wording's (TypeScript cannot correlate the two).
  const own = wording.values(message.data as never, language) as Record<string, string>;
  return { ...own, caseId, ...(wording.audience === 'citizen' ? { pageUrl: pageUrl ?? '' } : {}) };
}

/** The template to use: the municipality's own for this event and language, else the default. */
export function templateOf(message: Message, language: Language, own: OwnTemplates = {}): { subject: string; body: string } {
  const custom = own[message.event]?.[language];
  const wording = wordings[message.event];
  return { subject: custom?.subject ?? wording.subject[language], body: custom?.body ?? wording.body[language] };
}

/**
 * A message's subject and body in the recipient's language, from the given template. A citizen's
 * message always carries the link to their page when there is one: where the template puts
 * `{pageUrl}`, else on a line of its own at the end.
 */
export function renderTemplate(
  message: Message,
  template: { subject: string; body: string },
  context: RenderContext,
): { subject: string; body: string } {
  const values = valuesOf(message, context);
  const body = fill(template.body, values);
  const linked = context.pageUrl && 'pageUrl' in values && !/\{pageUrl\}/.test(template.body);
  return { subject: fill(template.subject, values), body: linked ? `${body}\n${pageLinkLine[context.language](context.pageUrl!)}` : body };
}

/** What to say: the message's template in the recipient's language, the municipality's own first. */
export const render = (message: Message, context: RenderContext, own?: OwnTemplates) =>
  renderTemplate(message, templateOf(message, context.language, own), context);
