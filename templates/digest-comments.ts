/**
 * The digest's detractor comments and promoter referrals: each with its score, where it came from and (for a
 * referral) consent, in the language it was written in; untrusted text escaped and bounded. Pure.
 */

import { heading, MUTED, paragraph } from './digest-style.ts';
import { oneLine, truncate } from './format.ts';
import { type Locale, t, tPlural } from './messages.ts';
import { escapeEmailHtml as esc } from './render.ts';

/** One comment or referral, with where it came from; untrusted text. */
export interface DigestComment {
  score: number;
  text: string;
  /** The language it was written in (the recipient's survey language). */
  locale?: Locale;
  /** The wave's name. */
  wave?: string;
  /** The respondent's segment properties, as `column: value`. */
  segment?: string[];
  /** A referral: whether the promoter agreed to be contacted about it. */
  consent?: boolean;
}

/** Longest comment shown; the rest is cut with an ellipsis. */
export const MAX_COMMENT_CHARS = 500;
/** Most comments (and, separately, referrals) listed; the digest says how many more there were. */
export const MAX_COMMENTS_SHOWN = 50;

const commentText = (text: string): string =>
  esc(
    truncate(
      text
        .replace(/\r\n?/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
      MAX_COMMENT_CHARS,
    ),
  ).replace(/\n/g, '<br>');

/** "German · Spring wave · plan: Enterprise": where a comment came from, in the reader's language. Pure. */
export const commentContext = (locale: Locale, c: DigestComment): string =>
  [
    c.locale ? languageName(locale, c.locale) : '',
    c.wave ? oneLine(c.wave, 80) : '',
    ...(c.segment ?? []).slice(0, 4).map((s) => oneLine(s, 60)),
  ]
    .filter(Boolean)
    .join(' · ');

const languageName = (reader: Locale, of: Locale): string => {
  try {
    return new Intl.DisplayNames([reader], { type: 'language' }).of(of) ?? of;
  } catch {
    return of;
  }
};

export const consentLine = (locale: Locale, c: DigestComment): string =>
  c.consent === undefined
    ? ''
    : t(locale, c.consent ? 'digest.referral.consent' : 'digest.referral.noConsent');

export const commentListHtml = (
  locale: Locale,
  titleKey: string,
  items: readonly DigestComment[],
  colour: string,
): string => {
  if (items.length === 0) return '';
  const shown = items.slice(0, MAX_COMMENTS_SHOWN).map((c) => {
    const about = [t(locale, 'digest.score', { score: c.score }), commentContext(locale, c)].filter(Boolean);
    const consent = consentLine(locale, c);
    return (
      `<div style="margin:0 0 10px;padding:8px 12px;border-left:3px solid ${colour};background-color:#f9fafb;word-break:break-word;">` +
      `<div style="font-size:12px;line-height:16px;color:${MUTED};">${esc(about.join(' · '))}</div>` +
      // In the language it was written in, so a screen reader reads a Swedish comment as Swedish.
      `<div${c.locale ? ` lang="${esc(c.locale)}"` : ''} style="font-size:14px;line-height:20px;color:#111827;">${commentText(c.text)}</div>` +
      (consent ? `<div style="font-size:12px;line-height:16px;color:${MUTED};">${esc(consent)}</div>` : '') +
      '</div>'
    );
  });
  const hidden = items.length - MAX_COMMENTS_SHOWN;
  const more =
    hidden > 0 ? paragraph(esc(tPlural(locale, 'digest.comments.more', hidden)), `color:${MUTED};`) : '';
  return heading(t(locale, titleKey)) + shown.join('') + more;
};
