import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../../platform/paths.ts';
import { attachmentLimits, type IncomingFile } from '../../services/attachments.service.ts';
import {
  type CitizenAction,
  type CitizenActionInput,
  citizenActions,
  citizenAct,
  citizenPageView,
} from '../../services/citizen-page.service.ts';
import { resolveToken } from '../../services/citizen-links.service.ts';
import type { CaseServiceDeps } from '../../services/cases.service.ts';
import { ApiError } from '../../services/errors.ts';
import { assertValidText } from '../text-guard.ts';
import { assetsPrefix, casePage, messagePage } from './html.ts';
import { type Lang, languageOf, words } from '../../services/citizen-page.words.ts';

export interface CitizenPageDeps extends CaseServiceDeps {
  /** Days a link keeps working after its case is closed. */
  linkDaysAfterClosure: number;
  /** Requests per minute for one address, and for one link. */
  requestsPerMinute: number;
}

const dist = path.join(projectRoot, 'node_modules', 'bootstrap-italia', 'dist');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The per-link token every form carries (CSRF): only who holds the link can know it. */
const formTokenOf = (token: string) => createHash('sha256').update(`form\n${token}`).digest('base64url').slice(0, 32);
const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.status(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

interface TokenParams {
  token: string;
}
type LangQuery = { lang?: string; done?: string };

/**
 * The citizen's own page of a case, at `/c/<token>`: public (no login; the link is the credential),
 * rate limited per address and per link, with the bootstrap-italia styles and fonts served from
 * here so the page makes no third-party request.
 */
export async function citizenPage(app: FastifyInstance, deps: CitizenPageDeps): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: { fileSize: attachmentLimits.maxBytes, files: 5, fields: 10, fieldSize: 10_000, parts: 16 },
  });
  const perMinute = { max: deps.requestsPerMinute, timeWindow: 60_000 };
  // Per address (the route's own limit), then per link (a second limiter keyed by the token's hash).
  const rateLimit = { ...perMinute, keyGenerator: (req: FastifyRequest) => `citizen-page:${req.ip}` };
  // (The plugin runs one limiter per request, so the link's is checked here, in the route's preHandler.)
  const linkLimit = app.createRateLimit({
    ...perMinute,
    keyGenerator: (req) => `citizen-link:${sha256((req.params as TokenParams).token ?? '')}`,
  });
  const perLink = async (req: FastifyRequest) => {
    const limit = await linkLimit(req);
    if (!limit.isAllowed && limit.isExceeded) throw new ApiError('too_many_requests', 'too many requests for this link: slow down');
  };
  const config = { access: 'public' as const, rateLimit };

  // The page's own policy: no script at all, forms only to itself, and no `upgrade-insecure-requests`
  // (helmet's default), which would send the forms of a plain-http deployment to an https that is not there.
  app.addHook('onSend', async (_req, reply) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
  });

  // Refusals as pages in the citizen's language, not problem+json.
  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    const lang = languageOf((req.query as LangQuery | undefined)?.lang);
    const status = err instanceof ApiError ? err.status : (err.statusCode ?? 500);
    if (status >= 500) req.log.error({ err }, 'citizen page failed');
    const w = words[lang];
    if (status === 429) return html(reply, 429, messagePage(lang, w.tooMany, w.tooMany));
    return html(reply, status, messagePage(lang, w.error, status < 500 ? err.message : w.error));
  });

  const css = await readFile(path.join(dist, 'css', 'bootstrap-italia.min.css'));
  const ownCss = await readFile(new URL('./page.css', import.meta.url));
  const asset = (reply: FastifyReply, type: string, body: Buffer) =>
    reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(body);
  app.get(`${assetsPrefix}/bootstrap-italia.min.css`, { config, schema: { hide: true } }, async (_req, reply) =>
    asset(reply, 'text/css; charset=utf-8', css),
  );
  app.get(`${assetsPrefix}/page.css`, { config, schema: { hide: true } }, async (_req, reply) =>
    asset(reply, 'text/css; charset=utf-8', ownCss),
  );
  app.get<{ Params: { file: string } }>(
    `${assetsPrefix}/fonts/Titillium_Web/:file`,
    { config, schema: { hide: true } },
    async (req, reply) => {
      if (!/^titillium-web-v10-latin-ext_latin-[a-z0-9]+\.woff2$/.test(req.params.file)) throw new ApiError('not_found', 'no such font');
      return asset(reply, 'font/woff2', await readFile(path.join(dist, 'fonts', 'Titillium_Web', req.params.file)));
    },
  );

  /** The case the link opens; a revoked, expired or unknown link answers with a page that says so. */
  async function caseOf(req: FastifyRequest<{ Params: TokenParams }>, reply: FastifyReply, lang: Lang): Promise<string | null> {
    const link = await resolveToken(deps.db, req.params.token, deps.linkDaysAfterClosure);
    if (link.state === 'live') return link.caseId;
    const gone = words[lang].gone[link.state];
    await html(reply, link.state === 'unknown' ? 404 : 410, messagePage(lang, gone.title, gone.body));
    return null;
  }

  app.get<{ Params: TokenParams; Querystring: LangQuery }>(
    '/c/:token',
    { config, preHandler: perLink, schema: { hide: true } },
    async (req, reply) => {
      const lang = languageOf(req.query.lang);
      const caseId = await caseOf(req, reply, lang);
      if (!caseId) return reply;
      const done = citizenActions.find((a) => a === req.query.done);
      const view = await citizenPageView(deps.db, caseId);
      return html(reply, 200, casePage(view, { lang, base: `/c/${req.params.token}`, form: formTokenOf(req.params.token), done }));
    },
  );

  app.post<{ Params: TokenParams & { action: string }; Querystring: LangQuery }>(
    '/c/:token/:action',
    { config, preHandler: perLink, schema: { hide: true } },
    async (req, reply) => {
      const lang = languageOf(req.query.lang);
      const action = citizenActions.find((a) => a === req.params.action);
      if (!action) throw new ApiError('not_found', words[lang].gone.unknown.title);
      const caseId = await caseOf(req, reply, lang);
      if (!caseId) return reply;
      const form = await readForm(req);
      if (!sameToken(form.fields.form ?? '', formTokenOf(req.params.token)))
        throw new ApiError(
          'forbidden',
          lang === 'it' ? 'Il modulo non è valido: ricarica la pagina.' : 'The form is not valid: reload the page.',
        );
      try {
        await citizenAct(deps, caseId, inputOf(action, form), req.id);
      } catch (err) {
        // A refused field or action: the page again, with the reason.
        if (!(err instanceof ApiError) || err.status >= 500 || err.status === 429) throw err;
        const view = await citizenPageView(deps.db, caseId);
        return html(
          reply,
          err.status,
          casePage(view, { lang, base: `/c/${req.params.token}`, form: formTokenOf(req.params.token), error: err.message }),
        );
      }
      // Post/redirect/get: a reload does not send the form again.
      return reply.redirect(`/c/${req.params.token}?lang=${lang}&done=${action}`, 303);
    },
  );
}

interface Form {
  fields: Record<string, string>;
  files: IncomingFile[];
}

/** A multipart form's fields and files (empty file inputs skipped); too large a file is a 413. */
async function readForm(req: FastifyRequest): Promise<Form> {
  const form: Form = { fields: {}, files: [] };
  if (!req.isMultipart()) return form;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.filename && content.length > 0) form.files.push({ fileName: part.filename, contentType: part.mimetype, content });
    } else if (typeof part.value === 'string') {
      form.fields[part.fieldname] = part.value;
    }
  }
  assertValidText(form.fields, 'body');
  return form;
}

function inputOf(action: CitizenAction, { fields, files }: Form): CitizenActionInput {
  switch (action) {
    case 'inform':
      return { action, text: fields.text ?? '', files };
    case 'complain':
      return { action, text: fields.text ?? '' };
    case 'survey':
      return { action, rating: Number(fields.rating), reason: fields.reason ?? '', comment: fields.comment ?? '' };
    case 'withdraw':
      if (fields.confirm !== 'yes')
        throw new ApiError('bad_request', 'confirm the withdrawal', [{ path: 'body.confirm', message: 'required' }]);
      return { action };
    case 'solicit':
      return { action };
  }
}
