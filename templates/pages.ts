/**
 * The survey's web pages: full HTML5 documents with no inline style or script (the CSP forbids both), so the
 * look lives in pages/page.css and the dwell timer in pages/dwell.js, served from the paths below.
 */
import {
  type Category,
  isScore,
  MAX_ANSWER_LENGTH,
  type SurveyKind,
  scalePoints,
} from '../shared/core/survey.ts';
import { formatInteger, type Locale, t } from './messages.ts';
import { escapeHtml } from './render.ts';

export const PAGE_CSS_PATH = '/assets/page.css';
export const DWELL_JS_PATH = '/assets/dwell.js';

export type ErrorReason = 'invalid' | 'expired' | 'notFound' | 'tooLarge' | 'rateLimited' | 'unavailable';
export const ERROR_REASONS: readonly ErrorReason[] = [
  'invalid',
  'expired',
  'notFound',
  'tooLarge',
  'rateLimited',
  'unavailable',
];

/** Answers to "how often did you recommend us", as the form posts them. */
export const RECOMMEND_FREQUENCIES = [
  { value: '0', key: 'page.frequency.never' },
  { value: '1', key: 'page.frequency.once' },
  { value: '2-5', key: 'page.frequency.few' },
  { value: '6+', key: 'page.frequency.many' },
] as const;

interface DocumentParts {
  locale: Locale;
  title: string;
  main: string;
  bodyAttributes?: string;
  script?: boolean;
}

const htmlDocument = ({ locale, title, main, bodyAttributes = '', script = false }: DocumentParts): string =>
  [
    '<!doctype html>',
    `<html lang="${escapeHtml(locale)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // The URL carries the recipient's token: never send it on as a Referer, never index it.
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="${PAGE_CSS_PATH}">`,
    script ? `<script src="${DWELL_JS_PATH}" defer></script>` : '',
    '</head>',
    `<body${bodyAttributes}>`,
    `<main><div class="card">\n${main}\n</div></main>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');

/** What the person typed, shown again, and why it was not taken (an answer too long). */
export interface Typed {
  values?: Partial<Record<AnswerField, string>>;
  problem?: { field: AnswerField; message: string };
}
export type AnswerField = 'reason' | 'improve' | 'referral';

/** Characters as the server counts them: a line break (CRLF from a browser) is one. */
const answerLength = (text: string): number => Array.from(text.replace(/\r\n?/g, '\n')).length;

const textarea = (locale: Locale, name: AnswerField, label: string, typed: Typed, hint?: string): string => {
  const hintId = `${name}-hint`;
  const problemId = `${name}-problem`;
  const counterId = `${name}-counter`;
  const problem = typed.problem?.field === name ? typed.problem.message : undefined;
  const describedBy = [hint ? hintId : '', problem ? problemId : '', counterId].filter(Boolean).join(' ');
  const value = typed.values?.[name] ?? '';
  // The counter: written here for readers without JavaScript, kept current by dwell.js while typing.
  const counter = (count: number) =>
    t(locale, 'page.answer.counter', {
      count: formatInteger(locale, count),
      max: formatInteger(locale, MAX_ANSWER_LENGTH),
    });
  return [
    `<div class="field${problem ? ' invalid' : ''}">`,
    `<label for="${name}">${escapeHtml(label)}</label>`,
    hint ? `<p class="hint" id="${hintId}">${escapeHtml(hint)}</p>` : '',
    problem ? `<p class="problem" id="${problemId}" role="alert">${escapeHtml(problem)}</p>` : '',
    `<textarea id="${name}" name="${name}" rows="4" maxlength="${MAX_ANSWER_LENGTH}" aria-describedby="${describedBy}"${problem ? ' aria-invalid="true"' : ''}>${escapeHtml(value)}</textarea>`,
    `<p class="counter" id="${counterId}" data-counter-for="${name}" data-template="${escapeHtml(t(locale, 'page.answer.counter', { count: '%count%', max: '%max%' }))}" data-max="${MAX_ANSWER_LENGTH}">${escapeHtml(counter(answerLength(value)))}</p>`,
    '</div>',
  ]
    .filter(Boolean)
    .join('\n');
};

const promoterFields = (locale: Locale, typed: Typed): string =>
  [
    '<fieldset class="field">',
    `<legend>${escapeHtml(t(locale, 'page.nps.promoter.frequency'))}</legend>`,
    '<div class="choices">',
    ...RECOMMEND_FREQUENCIES.map(
      ({ value, key }, i) =>
        `<label class="choice" for="recommendFrequency-${i}"><input type="radio" id="recommendFrequency-${i}" name="recommendFrequency" value="${escapeHtml(value)}"> ${escapeHtml(t(locale, key))}</label>`,
    ),
    '</div>',
    '</fieldset>',
    textarea(
      locale,
      'referral',
      t(locale, 'page.nps.promoter.referral'),
      typed,
      t(locale, 'page.nps.promoter.referralHint'),
    ),
    '<div class="field check">',
    '<input type="checkbox" id="referralConsent" name="referralConsent" value="yes">',
    `<label for="referralConsent">${escapeHtml(t(locale, 'page.nps.promoter.consent'))}</label>`,
    '</div>',
  ].join('\n');

/** The follow-up questions for a category: NPS promoters are asked about referrals, everyone else why. */
const followUpFields = (kind: SurveyKind, category: Category, locale: Locale, typed: Typed): string =>
  kind === 'nps' && category === 'promoter'
    ? promoterFields(locale, typed)
    : [
        textarea(locale, 'reason', t(locale, `page.${kind}.${category}.reason`), typed),
        textarea(locale, 'improve', t(locale, `page.${kind}.${category}.improve`), typed),
      ].join('\n');

export interface ScorePageOptions {
  kind: SurveyKind;
  locale: Locale;
  score: number;
  category: Category;
  formAction: string;
  dwellUrl: string;
  dwellSeconds: number;
  /** A submit that was refused: the text typed, shown again, and why. */
  typed?: Typed;
  /** What the survey asks about, named on the page. */
  product?: string;
  /** Whether answers reach a person who follows up (an owner or the wave's alert address). */
  followUp?: boolean;
}

/** The words of a page for each category: sorry to a detractor, thanks to a passive, glad to a promoter. */
const scoreTitleKey = (category: Category): string =>
  category === 'passive' ? 'page.score.title' : `page.score.title.${category}`;

/**
 * The score itself, changeable in the form: every score of the scale as a radio button (44 px targets), the
 * one from the email chosen. Folded away until wanted; submitting sends the chosen score with the answers.
 * A form post, not links: a person changes a mis-tapped score, while a link scanner following every link on
 * the page changes nothing.
 */
const scoreChoice = (locale: Locale, points: readonly number[], current: number): string =>
  [
    '<details class="change">',
    `<summary>${escapeHtml(t(locale, 'page.score.change'))}</summary>`,
    '<fieldset class="field">',
    `<legend>${escapeHtml(t(locale, 'page.score.changeLabel'))}</legend>`,
    '<div class="scale">',
    ...points.map(
      (score) =>
        `<label class="point" for="score-${score}"><input type="radio" id="score-${score}" name="score" value="${score}"${score === current ? ' checked' : ''}><span>${score}</span></label>`,
    ),
    '</div>',
    '</fieldset>',
    '</details>',
  ].join('\n');

export const scorePage = (o: ScorePageOptions): string => {
  if (!isScore(o.kind, o.score)) throw new RangeError(`Score ${o.score} is not on the ${o.kind} scale`);
  const points = scalePoints(o.kind);
  const min = points[0] ?? 0;
  const max = points[points.length - 1] ?? 0;
  const title = t(o.locale, scoreTitleKey(o.category));
  const lead = o.product
    ? t(o.locale, 'page.score.yourScoreFor', { score: o.score, min, max, product: o.product })
    : t(o.locale, 'page.score.yourScore', { score: o.score, min, max });
  const intro = [
    t(o.locale, o.category === 'detractor' ? 'page.score.intro.detractor' : 'page.score.intro'),
    // Only promised where an answer reaches a person (an owner alert goes out).
    o.followUp && o.category !== 'promoter' ? t(o.locale, 'page.score.followUp') : '',
  ]
    .filter(Boolean)
    .join(' ');
  const main = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">${escapeHtml(lead)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p class="hint">${escapeHtml(t(o.locale, 'page.score.optional'))}</p>`,
    `<form method="post" action="${escapeHtml(o.formAction)}">`,
    scoreChoice(o.locale, points, o.score),
    followUpFields(o.kind, o.category, o.locale, o.typed ?? {}),
    '<div class="actions">',
    `<button type="submit">${escapeHtml(t(o.locale, 'page.score.submit'))}</button>`,
    // Without JS the dwell timer cannot count the score; this gives a one-tap way to confirm it.
    `<noscript><button type="submit" class="secondary">${escapeHtml(t(o.locale, 'page.score.confirmOnly'))}</button></noscript>`,
    '</div>',
    '</form>',
  ].join('\n');
  const bodyAttributes =
    ` data-dwell-url="${escapeHtml(o.dwellUrl)}"` +
    ` data-dwell-seconds="${escapeHtml(o.dwellSeconds)}"` +
    ` data-dwell-score="${escapeHtml(o.score)}"`;
  return htmlDocument({ locale: o.locale, title, main, bodyAttributes, script: true });
};

/** A page of a title, a paragraph and optionally a form, already in the reader's words. */
export const namedPage = (locale: Locale, title: string, body: string, extra = ''): string => {
  const main = [`<h1>${escapeHtml(title)}</h1>`, `<p>${escapeHtml(body)}</p>`, extra]
    .filter(Boolean)
    .join('\n');
  return htmlDocument({ locale, title, main });
};

export const messagePage = (locale: Locale, titleKey: string, bodyKey: string, extra = ''): string =>
  namedPage(locale, t(locale, titleKey), t(locale, bodyKey), extra);

export interface DonePageOptions {
  locale: Locale;
  category?: Category;
  product?: string;
  followUp?: boolean;
  /** The score page again, to change the answer (the link works until it expires). */
  editUrl?: string;
}

/** Thanks, what happens with the answer, and a next step: change it, or close the page. */
export const donePage = ({ locale, category, product, followUp, editUrl }: DonePageOptions): string => {
  const title = t(locale, 'page.done.title');
  const body =
    followUp && category !== 'promoter' && product
      ? t(locale, 'page.done.body.followUp', { product })
      : product
        ? t(locale, 'page.done.body.product', { product })
        : t(locale, 'page.done.body');
  const main = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(body)}</p>`,
    editUrl
      ? `<p class="next">${escapeHtml(t(locale, 'page.done.next'))} <a href="${escapeHtml(editUrl)}">${escapeHtml(t(locale, 'page.done.edit'))}</a></p>`
      : '',
    product ? `<p class="hint">${escapeHtml(t(locale, 'page.done.close'))}</p>` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return htmlDocument({ locale, title, main });
};

/** A friendly page for a link that cannot be used (a 4xx), or for our own failure (`unavailable`, a 5xx). */
export const errorPage = ({ locale, reason }: { locale: Locale; reason: ErrorReason }): string =>
  messagePage(locale, `page.error.${reason}.title`, `page.error.${reason}.body`);
