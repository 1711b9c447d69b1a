import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import {
  ArticleDetailSchema,
  ArticleListQuerySchema,
  ArticleParams,
  ArticleRevisionSchema,
  ArticleSchema,
  ArticleVersionParams,
  ArticleVersionSchema,
  KnowledgeHitSchema,
  KnowledgeSearchQuerySchema,
  NewArticleSchema,
} from '../../contracts/knowledge.ts';
import { IdempotencyHeadersSchema } from '../../contracts/headers.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { sendPage } from '../lists.ts';
import {
  archiveArticle,
  articleDetail,
  articleVersion,
  createArticle,
  type Editor,
  listArticles,
  reviseArticle,
  searchKnowledge,
} from '../../services/knowledge.service.ts';

const tags = ['knowledge'];
const editorOf = (req: FastifyRequest): Editor => ({ principal: principalOf(req), requestId: req.id });

export const knowledgeRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/knowledge/search',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'searchKnowledge',
        tags,
        summary: 'Articles valid today that answer a question, best first, with the matching words in <mark> (Italian stemming)',
        querystring: KnowledgeSearchQuerySchema,
        response: { 200: z.array(KnowledgeHitSchema), ...problems(400, 401) },
      },
    },
    async (req) => searchKnowledge(db, principalOf(req), req.query),
  );

  app.get(
    '/knowledge/articles',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'listArticles',
        tags,
        summary: 'List knowledge articles as they stand (react-admin simple-rest)',
        querystring: ArticleListQuerySchema,
        response: { 200: z.array(ArticleSchema), ...problems(400, 401) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const { rows, total } = await listArticles(
        db,
        principalOf(req),
        req.query.filter ?? {},
        req.query.sort ?? ['updatedAt', 'DESC'],
        page,
      );
      return sendPage(reply, 'articles', page, { rows, total });
    },
  );

  app.get(
    '/knowledge/articles/:id',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'getArticle',
        tags,
        summary: 'An article as it stands, with the list of its versions',
        params: ArticleParams,
        response: { 200: ArticleDetailSchema, ...problems(400, 401, 404) },
      },
    },
    async (req) => articleDetail(db, req.params.id, principalOf(req)),
  );

  app.get(
    '/knowledge/articles/:id/versions/:version',
    {
      config: { access: can.anyone },
      schema: {
        operationId: 'getArticleVersion',
        tags,
        summary: 'One version of an article, as operators read it then',
        params: ArticleVersionParams,
        response: { 200: ArticleVersionSchema, ...problems(400, 401, 404) },
      },
    },
    async (req) => articleVersion(db, req.params.id, req.params.version, principalOf(req)),
  );

  app.post(
    '/knowledge/articles',
    {
      config: { access: can.editKnowledge },
      schema: {
        operationId: 'createArticle',
        tags,
        summary: 'Write version 1 of a new article',
        headers: IdempotencyHeadersSchema,
        body: NewArticleSchema,
        response: {
          200: ArticleSchema,
          201: ArticleSchema,
          ...problems(400, 401, 403, 409, 422),
        },
      },
    },
    async (req, reply) => {
      const { article, created } = await createArticle(db, req.body, req.headers['idempotency-key'], editorOf(req));
      return reply
        .status(created ? 201 : 200)
        .header('location', `/api/knowledge/articles/${article.id}`)
        .send(article);
    },
  );

  app.put(
    '/knowledge/articles/:id',
    {
      config: { access: can.editKnowledge },
      schema: {
        operationId: 'reviseArticle',
        tags,
        summary: 'Write the next version of an article; refused (409) if `expectedVersion` is not the current one',
        params: ArticleParams,
        body: ArticleRevisionSchema,
        response: { 200: ArticleSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => reviseArticle(db, req.params.id, req.body, editorOf(req)),
  );

  app.post(
    '/knowledge/articles/:id/archive',
    {
      config: { access: can.editKnowledge },
      schema: {
        operationId: 'archiveArticle',
        tags,
        summary: 'Archive an article: out of search and of the default list, its versions kept',
        params: ArticleParams,
        response: { 200: ArticleSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => archiveArticle(db, req.params.id, editorOf(req)),
  );
};
