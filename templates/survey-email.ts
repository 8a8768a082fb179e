/** The survey email of a wave, as an SES v2 template: wave-level values filled, per-recipient `{{…}}` left in. */
import { type SurveyKind, scalePoints } from '../shared/core/survey.ts';
import { buttonColours, type EmailBrand, logoHtml } from './brand.ts';
import { compiledEmail } from './compiled.ts';
import { firstNameOf } from './first-name.ts';
import { type Locale, t } from './messages.ts';
import { defuseHandlebars, escapeEmailHtml, escapeHtml, renderCompiled } from './render.ts';

export interface SurveyEmailOptions {
  kind: SurveyKind;
  locale: Locale;
  /** Origin (and optional path) of the public survey endpoints, e.g. `https://survey.example.com`. */
  baseUrl: string;
  product: string;
  /** The stack's logo and brand colour, when it names them. */
  brand?: EmailBrand;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

/**
 * SES template placeholders each recipient's TemplateData fills (SES substitutes them raw): `name` is the
 * recipient's first name HTML-escaped for the HTML part, `plainName` the same as plain text for the text part.
 */
export const SURVEY_TEMPLATE_FIELDS = ['token', 'unsubscribeToken', 'name', 'plainName'] as const;

/** One recipient's TemplateData: every field of `SURVEY_TEMPLATE_FIELDS`, each escaped for the part it fills. */
export const surveyTemplateData = (recipient: {
  token: string;
  unsubscribeToken: string;
  name: string | undefined;
}): Record<(typeof SURVEY_TEMPLATE_FIELDS)[number], string> => {
  // Greetings use the first name in every language ("Hallo Anna," in German, not the full name).
  const first = firstNameOf(recipient.name);
  return {
    token: recipient.token,
    unsubscribeToken: recipient.unsubscribeToken,
    name: escapeHtml(first),
    plainName: first,
  };
};

/** Where a score link points; `{{token}}` is left for SES. */
export const scoreLink = (baseUrl: string, score: number | 'trap'): string =>
  `${trimSlash(baseUrl)}/r/{{token}}/${score}`;
export const unsubscribeLink = (baseUrl: string): string => `${trimSlash(baseUrl)}/u/{{unsubscribeToken}}`;

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Untrusted text for a subject or text part: one line, bounded, no `{{`. */
const plain = (value: string, max = 200): string =>
  defuseHandlebars(Array.from(value.replace(/\s+/g, ' ').trim()).slice(0, max).join(''));

/**
 * One row of equal-width buttons: it fits a 320 px screen without wrapping (so the end labels stay under
 * their ends of the scale), each cell a tap target of at least 24 × 44 px. One colour for every button, so
 * none suggests an answer. Bulletproof: colour and padding sit on the cell (`bgcolor` for Outlook on
 * Windows, which ignores padding and background on an `<a>`); the link fills the cell's width.
 * Each link's text is the bare number; the two ends also say what they mean to a screen reader
 * (`aria-label="0 – Not at all likely"`), so the legend under the row is not the only place that says it.
 * `ses:no-track`: SES must never rewrite a score link through its click tracker, whatever the
 * configuration set says (the link is the answer, and the token must reach our endpoint untouched).
 */
const scaleHtml = (
  kind: SurveyKind,
  baseUrl: string,
  labels: { min: string; max: string },
  brand: EmailBrand | undefined,
): string => {
  const points = scalePoints(kind);
  const colours = buttonColours(brand);
  const cells = points
    .map((score, i) => {
      const meaning = i === 0 ? labels.min : i === points.length - 1 ? labels.max : undefined;
      const label = meaning ? ` aria-label="${escapeEmailHtml(`${score} – ${meaning}`)}"` : '';
      return (
        `<td align="center" bgcolor="${colours.background}" style="padding:10px 0;background-color:${colours.background};border-radius:6px;">` +
        `<a ses:no-track href="${escapeEmailHtml(trimSlash(baseUrl))}/r/{{token}}/${score}"${label} style="display:block;color:${colours.text};font-size:16px;font-weight:700;line-height:24px;text-align:center;text-decoration:none;">${score}</a></td>`
      );
    })
    .join('');
  const legend = (text: string, align: 'left' | 'right') =>
    `<td align="${align}" valign="top" style="padding:6px 2px 0;font-size:13px;line-height:18px;color:#4b5563;text-align:${align};">${escapeEmailHtml(text)}</td>`;
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;table-layout:fixed;border-collapse:separate;border-spacing:2px 0;"><tr>${cells}</tr></table>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="muted" style="width:100%;border-collapse:collapse;"><tr>${legend(labels.min, 'left')}${legend(labels.max, 'right')}</tr></table>`
  );
};

export const surveyEmail = ({ kind, locale, baseUrl, product, brand }: SurveyEmailOptions): EmailContent => {
  const productLine = Array.from(product.replace(/\s+/g, ' ').trim()).slice(0, 200).join('');
  const points = scalePoints(kind);
  const min = points[0] ?? 0;
  const max = points[points.length - 1] ?? 0;
  const msg = (key: string, params: Record<string, string | number> = {}) =>
    t(locale, key, { product: productLine, ...params });
  const minLabel = msg(`survey.${kind}.scaleMin`);
  const maxLabel = msg(`survey.${kind}.scaleMax`);

  const html = renderCompiled(compiledEmail('survey'), {
    locale,
    vars: {
      lang: locale,
      baseUrl: trimSlash(baseUrl),
      product: productLine,
      subject: msg(`survey.${kind}.subject`),
      preheader: msg(`survey.${kind}.preheader`),
      question: msg(`survey.${kind}.question`),
    },
    html: {
      name: '{{name}}',
      logo: logoHtml(brand ?? {}, productLine),
      scale: scaleHtml(kind, baseUrl, { min: minLabel, max: maxLabel }, brand),
    },
  });

  const text = [
    `{{#if plainName}}${t(locale, 'survey.greeting.named', { name: '{{plainName}}' })}{{else}}${msg('survey.greeting.anonymous')}{{/if}}`,
    '',
    plain(msg('survey.intro'), 1000),
    '',
    plain(msg(`survey.${kind}.question`), 1000),
    '',
    msg('survey.text.choose'),
    ...points.map((score) => `${score}: ${scoreLink(baseUrl, score)}`),
    '',
    plain(msg('survey.text.legend', { min, max, minLabel, maxLabel }), 1000),
    '',
    plain(msg('survey.signoff'), 1000),
    plain(msg('survey.team'), 1000),
    '',
    '--',
    plain(msg('survey.footer'), 1000),
    msg('survey.text.unsubscribe', { url: unsubscribeLink(baseUrl) }),
    '',
  ].join('\n');

  return { subject: plain(msg(`survey.${kind}.subject`)), html, text };
};
