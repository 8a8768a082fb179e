/**
 * The account manager's alert, from compiled alert.mjml: a detractor's or passive's answers to act on, or a
 * promoter's offer of an introduction, with who answered (name, address, language, segment properties), the
 * wave, and a link to the response in the console. In the manager's language. Every value from the contact
 * is untrusted and escaped.
 */
import { SCALES, type SurveyKind } from '../shared/core/survey.ts';
import { compiledEmail } from './compiled.ts';
import { oneLine } from './format.ts';
import { type Locale, t } from './messages.ts';
import { defuseHandlebars, escapeEmailHtml as esc, renderCompiled } from './render.ts';
import type { EmailContent } from './survey-email.ts';

export type AlertKind = 'detractor' | 'passive' | 'introduction';

export interface AlertView {
  /** The manager's language. */
  locale: Locale;
  kind: AlertKind;
  survey: SurveyKind;
  score: number;
  product: string;
  waveName: string;
  contact: { email?: string; name?: string; locale?: string; props: Readonly<Record<string, string>> };
  answers: { reason?: string; improve?: string; referral?: string };
  /** The response in the console, when the stack has one. */
  consoleUrl?: string;
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  nl: 'Nederlands',
  sv: 'Svenska',
  de: 'Deutsch',
};

const MUTED = '#4b5563';

/** How the contact is named in one line: their name, else their address, else the pseudonymous id. */
const who = (view: AlertView): string => oneLine(view.contact.name || view.contact.email || '—', 120);

const paragraphs = (text: string): string =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 8px;">${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

const answersHtml = (view: AlertView, lang: string | undefined): string => {
  const { locale } = view;
  const fields = (view.kind === 'introduction' ? ['referral', 'reason'] : ['reason', 'improve']) as (
    | 'reason'
    | 'improve'
    | 'referral'
  )[];
  const items = fields
    .filter((f) => view.answers[f])
    .map(
      (f) =>
        `<h3 style="margin:12px 0 4px;font-size:14px;line-height:20px;">${esc(t(locale, `alert.answer.${f}`))}</h3><blockquote${lang ? ` lang="${esc(lang)}"` : ''} style="margin:0;padding:8px 12px;border-left:3px solid #1d4ed8;background:#f3f4f6;">${paragraphs(view.answers[f] ?? '')}</blockquote>`,
    );
  return `<h2 style="margin:0 0 4px;font-size:17px;line-height:24px;">${esc(t(locale, 'alert.answers'))}</h2>${items.join('')}`;
};

const contactHtml = (view: AlertView): string => {
  const { locale, contact } = view;
  const row = (label: string, value: string) =>
    `<tr><th scope="row" style="text-align:left;padding:4px 12px 4px 0;color:${MUTED};font-weight:400;vertical-align:top;">${esc(label)}</th><td style="padding:4px 0;">${esc(value)}</td></tr>`;
  const rows = [
    contact.name ? row(t(locale, 'alert.contact.name'), oneLine(contact.name, 200)) : '',
    contact.email ? row(t(locale, 'alert.contact.email'), contact.email) : '',
    contact.locale
      ? row(t(locale, 'alert.contact.language'), LANGUAGE_NAMES[contact.locale] ?? contact.locale)
      : '',
    ...Object.entries(contact.props).map(([column, value]) => row(column, oneLine(value, 200))),
    row(t(locale, 'alert.contact.wave'), oneLine(view.waveName, 200)),
  ];
  return `<h2 style="margin:0 0 4px;font-size:17px;line-height:24px;">${esc(t(locale, 'alert.contact'))}</h2><table style="border-collapse:collapse;font-size:14px;line-height:20px;">${rows.join('')}</table>`;
};

const actionHtml = (view: AlertView): string =>
  view.consoleUrl
    ? `<table role="presentation" border="0" cellpadding="0" cellspacing="0"><tr><td bgcolor="#1d4ed8" style="border-radius:6px;padding:10px 18px;"><a href="${esc(view.consoleUrl)}" style="color:#ffffff;text-decoration:none;font-weight:600;">${esc(t(view.locale, 'alert.open'))}</a></td></tr></table>`
    : '';

export const alertEmail = (view: AlertView): EmailContent => {
  const { locale } = view;
  const params = {
    contact: who(view),
    score: view.score,
    max: SCALES[view.survey].max,
    product: oneLine(view.product, 200),
    wave: oneLine(view.waveName, 200),
  };
  const subject = t(locale, `alert.subject.${view.kind}`, params);
  const headline = t(locale, `alert.headline.${view.kind}`);
  const intro = t(
    locale,
    view.kind === 'introduction' ? 'alert.intro.introduction' : 'alert.intro.followUp',
    params,
  );
  // The answers are in the contact's language; marked so a screen reader reads them in it.
  const lang = view.contact.locale && view.contact.locale !== locale ? view.contact.locale : undefined;
  const html = renderCompiled(compiledEmail('alert'), {
    locale,
    vars: {
      lang: locale,
      subject,
      preheader: intro,
      heading: t(locale, 'alert.heading', { wave: params.wave }),
      headline,
    },
    html: {
      intro: `<p style="margin:0;">${esc(intro)}</p>`,
      answers: answersHtml(view, lang),
      contact: contactHtml(view),
      action: actionHtml(view),
      footer: esc(t(locale, 'alert.footer', { wave: params.wave })),
    },
  });
  const answerLines = (['reason', 'improve', 'referral'] as const)
    .filter((f) => view.answers[f])
    .map((f) => `${t(locale, `alert.answer.${f}`)}:\n${view.answers[f]}`);
  const contactLines = [
    view.contact.name ? `${t(locale, 'alert.contact.name')}: ${oneLine(view.contact.name, 200)}` : '',
    view.contact.email ? `${t(locale, 'alert.contact.email')}: ${view.contact.email}` : '',
    ...Object.entries(view.contact.props).map(([c, v]) => `${c}: ${oneLine(v, 200)}`),
    `${t(locale, 'alert.contact.wave')}: ${params.wave}`,
  ].filter(Boolean);
  const text = [
    headline,
    '',
    intro,
    '',
    ...answerLines.flatMap((a) => [a, '']),
    `${t(locale, 'alert.contact')}:`,
    ...contactLines,
    ...(view.consoleUrl ? ['', `${t(locale, 'alert.open')}: ${view.consoleUrl}`] : []),
    '',
    t(locale, 'alert.footer', { wave: params.wave }),
  ].join('\n');
  return { subject: defuseHandlebars(oneLine(subject, 200)), html, text: defuseHandlebars(text) };
};
