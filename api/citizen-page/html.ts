import type { CitizenAction, CitizenPageView } from '../../services/citizen-page.service.ts';
import { surveyCommentMax, surveyReasons } from '../../services/citizen-page.service.ts';
import { type Lang, words, type Words } from '../../services/citizen-page.words.ts';

/** The citizen's page as server-rendered HTML in the look of Italian public-service sites (bootstrap-italia), no script. */

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML content and attribute values. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);

export const assetsPrefix = '/c/assets';

interface Frame {
  lang: Lang;
  title: string;
  /** The page's own address without the query, for the language switch. */
  self: string | null;
  municipality?: string;
  body: string;
}

/** The frame every page shares: skip link, slim header with the language switch, header, main, footer. */
export function layout({ lang, title, self, municipality, body }: Frame): string {
  const w = words[lang];
  const other = w.otherLanguage;
  const switchLink = self
    ? `<a class="text-white" href="${esc(self)}?lang=${other.code}" lang="${other.code}" hreflang="${other.code}" aria-label="${esc(other.label)}">${other.name}</a>`
    : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)} – ${esc(w.site)}</title>
<link rel="stylesheet" href="${assetsPrefix}/bootstrap-italia.min.css">
<link rel="stylesheet" href="${assetsPrefix}/page.css">
</head>
<body>
<div class="skiplinks"><a href="#main">${esc(w.skip)}</a></div>
<header class="it-header-wrapper">
  <div class="it-header-slim-wrapper">
    <div class="container"><div class="it-header-slim-wrapper-content">
      <span class="navbar-brand">${esc(municipality ?? w.site)}</span>
      <div class="it-header-slim-right-zone">${switchLink}</div>
    </div></div>
  </div>
  <div class="it-header-center-wrapper">
    <div class="container"><div class="it-header-center-content-wrapper"><div class="it-brand-wrapper">
      <a href="${self ? `${esc(self)}?lang=${lang}` : '#main'}"><div class="it-brand-text"><div class="it-brand-title">${esc(w.site)}</div></div></a>
    </div></div></div>
  </div>
</header>
<main id="main" class="container my-4" tabindex="-1">
${body}
</main>
<footer class="it-footer"><div class="it-footer-main"><div class="container"><p class="py-4 mb-0">${esc(w.footer)}</p></div></div></footer>
</body>
</html>`;
}

const formToken = (token: string) => `<input type="hidden" name="form" value="${esc(token)}">`;
const action = (base: string, name: CitizenAction, lang: Lang) => `${esc(base)}/${name}?lang=${lang}`;

function informForm(w: Words, base: string, lang: Lang, form: string): string {
  const f = w.inform;
  return `<section class="card-wrapper mb-4" aria-labelledby="inform-h"><div class="card shadow-sm"><div class="card-body">
<h2 id="inform-h" class="h4">${esc(f.heading)}</h2>
<form method="post" action="${action(base, 'inform', lang)}" enctype="multipart/form-data">
${formToken(form)}
<div class="mb-4"><label class="form-label fw-semibold d-block" for="inform-text">${esc(f.text)}</label>
<textarea class="form-control" id="inform-text" name="text" rows="4" maxlength="5000"></textarea></div>
<div class="mb-4"><label class="form-label fw-semibold d-block" for="inform-files">${esc(f.files)}</label>
<input class="form-control" type="file" id="inform-files" name="files" multiple aria-describedby="inform-files-help" accept=".pdf,.jpg,.jpeg,.png,.gif,.webp,.txt,application/pdf,image/jpeg,image/png,image/gif,image/webp,text/plain">
<small id="inform-files-help" class="form-text">${esc(f.filesHelp)}</small></div>
<button type="submit" class="btn btn-primary">${esc(f.submit)}</button>
</form></div></div></section>`;
}

function simpleForm(w: Words, name: 'solicit' | 'withdraw', base: string, lang: Lang, form: string): string {
  const f = w[name];
  const confirm =
    name === 'withdraw'
      ? `<div class="form-check"><input id="withdraw-confirm" name="confirm" type="checkbox" value="yes" required><label for="withdraw-confirm">${esc(w.withdraw.confirm)}</label></div>`
      : '';
  return `<section class="mb-4" aria-labelledby="${name}-h">
<h2 id="${name}-h" class="h5">${esc(f.heading)}</h2>
<p>${esc(f.help)}</p>
<form method="post" action="${action(base, name, lang)}" enctype="multipart/form-data">
${formToken(form)}${confirm}
<button type="submit" class="btn ${name === 'withdraw' ? 'btn-outline-danger' : 'btn-outline-primary'}">${esc(f.submit)}</button>
</form></section>`;
}

function complainForm(w: Words, base: string, lang: Lang, form: string): string {
  const f = w.complain;
  return `<section class="mb-4" aria-labelledby="complain-h">
<h2 id="complain-h" class="h5">${esc(f.heading)}</h2>
<p>${esc(f.help)}</p>
<form method="post" action="${action(base, 'complain', lang)}" enctype="multipart/form-data">
${formToken(form)}
<div class="mb-4"><label class="form-label fw-semibold d-block" for="complain-text">${esc(f.text)}</label>
<textarea class="form-control" id="complain-text" name="text" rows="3" minlength="3" maxlength="5000" required></textarea></div>
<button type="submit" class="btn btn-outline-primary">${esc(f.submit)}</button>
</form></section>`;
}

function surveyForm(w: Words, base: string, lang: Lang, form: string): string {
  const f = w.survey;
  const stars = [1, 2, 3, 4, 5]
    .map(
      (n) =>
        `<div class="form-check form-check-inline"><input name="rating" type="radio" id="rating-${n}" value="${n}" required><label for="rating-${n}"><span aria-hidden="true">${n}★</span><span class="visually-hidden">${esc(f.stars(n))}</span></label></div>`,
    )
    .join('\n');
  const options = (side: 'positive' | 'negative') =>
    surveyReasons[side].map((r) => `<option value="${r}">${esc(f.reasonWords[r])}</option>`).join('');
  return `<section class="card-wrapper mb-4" aria-labelledby="survey-h"><div class="card shadow-sm"><div class="card-body">
<h2 id="survey-h" class="h4">${esc(f.heading)}</h2>
<form method="post" action="${action(base, 'survey', lang)}" enctype="multipart/form-data">
${formToken(form)}
<fieldset class="mb-4"><legend class="h6">${esc(f.rating)}</legend>
${stars}
</fieldset>
<div class="select-wrapper mb-4"><label for="survey-reason">${esc(f.reason)}</label>
<select id="survey-reason" name="reason" required>
<option value="" selected disabled>${esc(f.choose)}</option>
<optgroup label="${esc(f.positive)}">${options('positive')}</optgroup>
<optgroup label="${esc(f.negative)}">${options('negative')}</optgroup>
</select></div>
<div class="mb-4"><label class="form-label fw-semibold d-block" for="survey-comment">${esc(f.comment)}</label>
<textarea class="form-control" id="survey-comment" name="comment" rows="3" maxlength="${surveyCommentMax}"></textarea></div>
<button type="submit" class="btn btn-primary">${esc(f.submit)}</button>
</form></div></div></section>`;
}

/** The page of a case: what it is, where it stands, when to expect the answer, what happened, what the citizen may do. */
export function casePage(v: CitizenPageView, o: { lang: Lang; base: string; form: string; done?: CitizenAction; error?: string }): string {
  const w = words[o.lang];
  const done = o.done ? `<div class="alert alert-success" role="status">${esc(w[o.done].done)}</div>` : '';
  const error = o.error
    ? `<div class="alert alert-danger" role="alert"><p class="fw-semibold mb-1">${esc(w.error)}</p><p class="mb-0">${esc(o.error)}</p></div>`
    : '';
  const facts = [
    [w.status, w.statusWords(v)],
    [w.service, v.serviceName],
    [w.opened, w.date(v.openedAt)],
    ...(v.expectedBy ? [[w.expected, w.date(v.expectedBy)]] : []),
  ]
    .map(([k, val]) => `<dt class="col-sm-4">${esc(k!)}</dt><dd class="col-sm-8">${esc(val!)}</dd>`)
    .join('\n');
  const question = v.question
    ? `<div class="callout"><div class="callout-title"><h2 class="h5 mb-0">${esc(w.question)}</h2></div><p>${esc(v.question)}</p></div>`
    : '';
  const timeline = [...v.timeline]
    .reverse()
    .map(
      (e) =>
        `<li class="mb-2"><time class="d-block small" datetime="${e.at.toISOString()}">${esc(w.dateTime(e.at))}</time>${esc(w.event(e))}</li>`,
    )
    .join('\n');
  const a = v.allowed;
  const forms = [
    a.inform ? informForm(w, o.base, o.lang, o.form) : '',
    a.survey ? surveyForm(w, o.base, o.lang, o.form) : '',
    a.solicit ? simpleForm(w, 'solicit', o.base, o.lang, o.form) : '',
    a.complain ? complainForm(w, o.base, o.lang, o.form) : '',
    a.withdraw ? simpleForm(w, 'withdraw', o.base, o.lang, o.form) : '',
  ].join('\n');
  return layout({
    lang: o.lang,
    title: w.title(v.caseId),
    self: o.base,
    municipality: v.municipalityName,
    body: `<h1 class="h2">${esc(w.title(v.caseId))}</h1>
${done}${error}
<dl class="row mb-4">${facts}</dl>
${question}
${forms}
<section aria-labelledby="timeline-h" class="mb-4"><h2 id="timeline-h" class="h4">${esc(w.timeline)}</h2>
<ol class="list-unstyled timeline">${timeline}</ol></section>`,
  });
}

/** A link that opens nothing (revoked, expired or unknown), or a refusal, as a page of its own. */
export function messagePage(lang: Lang, title: string, body: string, self: string | null = null): string {
  return layout({ lang, title, self, body: `<h1 class="h2">${esc(title)}</h1><p>${esc(body)}</p>` });
}
