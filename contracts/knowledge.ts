import { z } from 'zod';
import { listQuerySchema } from './list-query.ts';

export const articleIdPattern = /^[a-z0-9][a-z0-9-]{2,59}$/;
export const ArticleParams = z.object({ id: z.string().regex(articleIdPattern, 'an article id') });
export const ArticleVersionParams = ArticleParams.extend({ version: z.coerce.number().int().positive() });
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = z.string().trim().max(4000).nullable().optional();

export const ArticleLinkSchema = z.object({ label: text(200), url: z.url({ protocol: /^https?$/ }).max(2000) }).strict();

/** What a version says: who / where / when / how, the answer itself, links and when it holds. */
const ArticleContentSchema = z
  .object({
    serviceCode: z.string().max(60).nullable().optional(),
    title: text(200),
    /** Who it concerns ("chi"). */
    audience: optionalText,
    /** Where to go ("dove"). */
    place: optionalText,
    /** When: opening hours, deadlines ("quando"). */
    hours: optionalText,
    /** How to proceed ("come"). */
    procedure: optionalText,
    body: text(20_000),
    links: z.array(ArticleLinkSchema).max(20).default([]),
    validFrom: z.iso.date(),
    validTo: z.iso.date().nullable().optional(),
  })
  .strict();

const validityHolds = (a: { validFrom: string; validTo?: string | null }) => !a.validTo || a.validTo >= a.validFrom;
const validityIssue = { path: ['validTo'], message: 'must not be before validFrom' };

export const NewArticleSchema = ArticleContentSchema.extend({ municipalityId: z.string().max(60) }).refine(validityHolds, validityIssue);
/** A revision names the version it was made from: if another was written since, it is refused. */
export const ArticleRevisionSchema = ArticleContentSchema.extend({ expectedVersion: z.number().int().positive() }).refine(
  validityHolds,
  validityIssue,
);
export type NewArticle = z.infer<typeof NewArticleSchema>;
export type ArticleRevision = z.infer<typeof ArticleRevisionSchema>;

export const ArticleVersionSchema = z.object({
  articleId: z.string(),
  version: z.number().int(),
  title: z.string(),
  audience: z.string().nullable(),
  place: z.string().nullable(),
  hours: z.string().nullable(),
  procedure: z.string().nullable(),
  body: z.string(),
  links: z.array(ArticleLinkSchema),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  author: z.string(),
  createdAt: z.date(),
});
z.globalRegistry.add(ArticleVersionSchema, { id: 'ArticleVersion' });

/** An article as it stands: its current version's content. */
export const ArticleSchema = ArticleVersionSchema.omit({ articleId: true, createdAt: true }).extend({
  id: z.string(),
  municipalityId: z.string(),
  serviceCode: z.string().nullable(),
  archivedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
z.globalRegistry.add(ArticleSchema, { id: 'Article' });

export const ArticleDetailSchema = ArticleSchema.extend({
  versions: z.array(
    ArticleVersionSchema.pick({ version: true, title: true, author: true, createdAt: true, validFrom: true, validTo: true }),
  ),
});
z.globalRegistry.add(ArticleDetailSchema, { id: 'ArticleDetail' });

export const articleSortFields = ['updatedAt', 'title'] as const;
export const ArticleListQuerySchema = listQuerySchema(
  articleSortFields,
  z
    .object({
      id: z.union([z.string(), z.array(z.string()).max(1000)]).optional(),
      municipalityId: z.string().optional(),
      serviceCode: z.string().optional(),
      /** Words of the current version, matched with Italian stemming. */
      q: z.string().max(200).optional(),
      includeArchived: z.boolean().optional(),
    })
    .strict(),
);
export type ArticleListFilter = NonNullable<z.infer<typeof ArticleListQuerySchema>['filter']>;

export const KnowledgeSearchQuerySchema = z.object({
  /** Web-search syntax: words, "quoted phrases", -excluded, or. */
  q: z.string().trim().min(2).max(200),
  municipalityId: z.string().max(60).optional(),
  serviceCode: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type KnowledgeSearchQuery = z.infer<typeof KnowledgeSearchQuerySchema>;

export const KnowledgeHitSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** HTML: the article's text escaped, the matching words in `<mark>`. */
  snippet: z.string(),
  rank: z.number(),
  municipalityId: z.string(),
  serviceCode: z.string().nullable(),
  version: z.number().int(),
});
z.globalRegistry.add(KnowledgeHitSchema, { id: 'KnowledgeHit' });

export type Article = z.infer<typeof ArticleSchema>;
export type ArticleVersion = z.infer<typeof ArticleVersionSchema>;
export type ArticleDetail = z.infer<typeof ArticleDetailSchema>;
export type KnowledgeHit = z.infer<typeof KnowledgeHitSchema>;
