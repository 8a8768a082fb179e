import { compiledEmail } from './compiled.ts';
import {
  commentContext,
  commentListHtml,
  consentLine,
  type DigestComment,
  MAX_COMMENT_CHARS,
  MAX_COMMENTS_SHOWN,
} from './digest-comments.ts';
import { COLOURS, distributionHtml } from './digest-distribution.ts';
import { type DigestInsights, insightsHtml, insightsText, trendHtml } from './digest-insights.ts';
import { type DigestSegment, segmentRows, segmentsHtml } from './digest-segments.ts';
import { heading, MUTED, paragraph } from './digest-style.ts';
import { formatMargin, formatSigned, oneLine, percent } from './format.ts';
import { formatDecimal, type Locale, t, tPlural } from './messages.ts';
import { defuseHandlebars, escapeEmailHtml as esc, renderCompiled } from './render.ts';
import type { EmailContent } from './survey-email.ts';

export {
  commentContext,
  type DigestComment,
  MAX_COMMENT_CHARS,
  MAX_COMMENTS_SHOWN,
} from './digest-comments.ts';

export { formatMargin, formatSigned } from './format.ts';

export interface DigestView extends DigestInsights {
  locale: Locale;
  /** e.g. the organisation or product name; untrusted. */
  title: string;
  /** yyyy-mm-dd; the period runs from periodStart up to, not including, periodEnd. */
  periodStart: string;
  periodEnd: string;
  responses: number;
  nps: number | null;
  /** 95% margin of error in NPS points. */
  marginOfError: number | null;
  /** Against the previous period of equal length. */
  change: { delta: number; significant: boolean } | null;
  /** 11 counts, for scores 0..10. */
  histogram: number[];
  /** 0..1 */
  responseRate: number | null;
  /** nps null = hidden, below minSegmentResponses. */
  segments: DigestSegment[];
  minSegmentResponses: number;
  detractorComments: DigestComment[];
  promoterReferrals: DigestComment[];
  quarantined: number;
  /** CSAT and CES in the same period, for each kind that had responses. */
  otherSurveys: OtherSurvey[];
  /** The reader's one-click unsubscribe address (also in List-Unsubscribe); absent for a one-off `--to`. */
  unsubscribeUrl?: string;
  /** The console, when the stack has one to link to. */
  consoleUrl?: string;
}

export interface OtherSurvey {
  kind: 'csat' | 'ces';
  responses: number;
  /** CSAT: the share satisfied (4–5), 0…1. CES: the mean effort, 1…7. */
  value: number;
  /** CSAT: percentage points. CES: points of the scale. */
  margin: number | null;
  change: { delta: number; significant: boolean } | null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const parseDay = (value: string): Date => {
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Expected a yyyy-mm-dd date, got "${value}"`);
  return date;
};

/** The period as the reader thinks of it: first to last day inclusive, in the locale's style. */
export const formatPeriod = (locale: Locale, periodStart: string, periodEnd: string): string => {
  const start = parseDay(periodStart);
  const lastDay = new Date(Math.max(start.getTime(), parseDay(periodEnd).getTime() - 86_400_000));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(
    start,
    lastDay,
  );
};

const isEmpty = (view: DigestView): boolean => view.responses <= 0;

const summaryHtml = (view: DigestView): string => {
  const { locale } = view;
  if (isEmpty(view)) {
    return [
      paragraph(esc(t(locale, 'digest.noResponses')), 'font-size:22px;line-height:30px;font-weight:700;'),
      paragraph(esc(t(locale, 'digest.noResponsesBody')), `color:${MUTED};`),
    ].join('');
  }
  const details = [esc(tPlural(locale, 'digest.responses', view.responses))];
  if (view.marginOfError !== null) {
    details.push(esc(t(locale, 'digest.marginOfError', { margin: formatMargin(view.marginOfError) })));
  }
  return [
    paragraph(esc(t(locale, 'digest.npsLabel')), `font-size:13px;line-height:18px;color:${MUTED};`),
    `<p style="margin:0 0 6px;font-size:44px;line-height:52px;font-weight:700;color:#111827;">${view.nps === null ? '–' : esc(formatSigned(view.nps))}</p>`,
    paragraph(details.join(' · ')),
    paragraph(esc(changeText(view))),
    view.responseRate === null
      ? ''
      : paragraph(esc(t(locale, 'digest.responseRate', { rate: percent(locale, view.responseRate) }))),
  ].join('');
};

/** The change against the previous period and whether it is significant; `delta` formats the difference. */
const changeSentence = (
  locale: Locale,
  change: { delta: number; significant: boolean } | null,
  delta: (value: number) => string = formatSigned,
): string =>
  change === null
    ? t(locale, 'digest.change.none')
    : t(locale, 'digest.change', {
        delta: delta(change.delta),
        significance: t(
          locale,
          change.significant ? 'digest.change.significant' : 'digest.change.notSignificant',
        ),
      });

const changeText = ({ locale, change }: DigestView): string => changeSentence(locale, change);

/** Why the reader gets this, how to stop it, and the console: the footer's links. */
const footerLinksHtml = (view: DigestView, title: string): string => {
  const { locale } = view;
  const link = (href: string, text: string) =>
    `<a href="${esc(href)}" style="color:#1d4ed8;text-decoration:underline;">${esc(text)}</a>`;
  const links = [
    view.consoleUrl ? link(view.consoleUrl, t(locale, 'digest.openConsole')) : '',
    view.unsubscribeUrl ? link(view.unsubscribeUrl, t(locale, 'digest.unsubscribe')) : '',
  ].filter(Boolean);
  return [view.unsubscribeUrl ? esc(t(locale, 'digest.why', { title })) : '', links.join(' · ')]
    .filter(Boolean)
    .join('<br>');
};

/** One line per other survey kind: its figure, margin, n and change, all in the reader's language. */
const otherSurveyLines = ({ locale, otherSurveys }: DigestView): string[] =>
  otherSurveys.map((o) => {
    const csat = o.kind === 'csat';
    const parts = [
      csat
        ? t(locale, 'digest.csat.summary', { share: percent(locale, o.value) })
        : t(locale, 'digest.ces.summary', { mean: formatDecimal(locale, o.value) }),
    ];
    if (o.margin !== null) {
      const margin = csat ? formatMargin(o.margin) : `±${formatDecimal(locale, o.margin)}`;
      parts.push(t(locale, 'digest.marginOfError', { margin }));
    }
    parts.push(tPlural(locale, 'digest.responses', o.responses));
    parts.push(changeSentence(locale, o.change, csat ? formatSigned : (x) => formatDecimal(locale, x, true)));
    return parts.join(' · ');
  });

const otherSurveysHtml = (view: DigestView): string =>
  view.otherSurveys.length === 0
    ? ''
    : heading(t(view.locale, 'digest.otherSurveys')) +
      otherSurveyLines(view)
        .map((line) => paragraph(esc(line)))
        .join('');

const quarantinedHtml = ({ locale, quarantined }: DigestView): string =>
  quarantined > 0
    ? paragraph(
        esc(tPlural(locale, 'digest.quarantined', quarantined)),
        `margin-top:16px;font-size:13px;color:${MUTED};`,
      )
    : '';

const textPart = (view: DigestView, title: string, period: string): string => {
  const { locale } = view;
  const lines = [`${t(locale, 'digest.heading')}: ${title}`, t(locale, 'digest.period', { period }), ''];
  if (isEmpty(view)) {
    lines.push(t(locale, 'digest.noResponses'), t(locale, 'digest.noResponsesBody'));
  } else {
    const details = [tPlural(locale, 'digest.responses', view.responses)];
    if (view.marginOfError !== null) {
      details.push(t(locale, 'digest.marginOfError', { margin: formatMargin(view.marginOfError) }));
    }
    lines.push(
      `${t(locale, 'digest.npsLabel')}: ${view.nps === null ? '–' : formatSigned(view.nps)}`,
      details.join(' · '),
      changeText(view),
    );
    if (view.responseRate !== null) {
      lines.push(t(locale, 'digest.responseRate', { rate: percent(locale, view.responseRate) }));
    }
    lines.push('', t(locale, 'digest.distribution'));
    for (let score = 0; score <= 10; score++)
      lines.push(`${String(score).padStart(2)}: ${view.histogram[score] ?? 0}`);
    const segments = segmentRows(view.segments);
    if (segments.length > 0) {
      lines.push('', t(locale, 'digest.segments'));
      for (const s of segments) {
        const nps = s.nps === null ? t(locale, 'digest.segments.hidden') : formatSigned(s.nps);
        const value = s.collapsed
          ? tPlural(locale, 'digest.segments.fewer', s.collapsed)
          : oneLine(s.value, 80);
        lines.push(
          `${oneLine(s.column, 80)} = ${value}: ${nps} (${tPlural(locale, 'digest.responses', s.responses)})`,
        );
      }
      if (segments.some((s) => s.nps === null)) {
        lines.push(t(locale, 'digest.segments.note', { min: view.minSegmentResponses }));
      }
    }
  }
  const list = (key: string, items: readonly DigestComment[]) => {
    if (items.length === 0) return;
    lines.push('', t(locale, key));
    for (const c of items.slice(0, MAX_COMMENTS_SHOWN)) {
      const about = [t(locale, 'digest.score', { score: c.score }), commentContext(locale, c)].filter(
        Boolean,
      );
      lines.push(`- [${about.join(' · ')}] ${oneLine(c.text, MAX_COMMENT_CHARS)}`);
      const consent = consentLine(locale, c);
      if (consent) lines.push(`  ${consent}`);
    }
    if (items.length > MAX_COMMENTS_SHOWN) {
      lines.push(tPlural(locale, 'digest.comments.more', items.length - MAX_COMMENTS_SHOWN));
    }
  };
  lines.push(...insightsText(view));
  if (view.otherSurveys.length > 0)
    lines.push('', t(locale, 'digest.otherSurveys'), ...otherSurveyLines(view));
  list('digest.detractorComments', view.detractorComments);
  list('digest.promoterReferrals', view.promoterReferrals);
  if (view.quarantined > 0) lines.push('', tPlural(locale, 'digest.quarantined', view.quarantined));
  lines.push('', '--', t(locale, 'digest.footer'));
  if (view.unsubscribeUrl) lines.push(t(locale, 'digest.why', { title }));
  if (view.consoleUrl) lines.push(`${t(locale, 'digest.openConsole')}: ${view.consoleUrl}`);
  if (view.unsubscribeUrl) lines.push(`${t(locale, 'digest.unsubscribe')}: ${view.unsubscribeUrl}`);
  lines.push('');
  return defuseHandlebars(lines.join('\n'));
};

export const digestEmail = (view: DigestView): EmailContent => {
  const { locale } = view;
  const title = oneLine(view.title, 120);
  const period = formatPeriod(locale, view.periodStart, view.periodEnd);
  const subject =
    isEmpty(view) || view.nps === null
      ? t(locale, 'digest.subjectEmpty', { title, period })
      : t(locale, 'digest.subject', { title, period, nps: formatSigned(view.nps) });
  // The headline figure first: the inbox line says how the period went before the email is opened.
  const preheader =
    isEmpty(view) || view.nps === null
      ? t(locale, 'digest.noResponses')
      : t(locale, 'digest.preheader', {
          nps: formatSigned(view.nps),
          responses: tPlural(locale, 'digest.responses', view.responses),
          change: changeText(view),
        });
  const html = renderCompiled(compiledEmail('digest'), {
    locale,
    vars: { lang: locale, subject, preheader, title, period },
    html: {
      summary: summaryHtml(view),
      trend: trendHtml(view),
      distribution: distributionHtml(view),
      segments: segmentsHtml(view) + otherSurveysHtml(view),
      insights: insightsHtml(view),
      comments:
        commentListHtml(locale, 'digest.detractorComments', view.detractorComments, COLOURS.detractor) +
        commentListHtml(locale, 'digest.promoterReferrals', view.promoterReferrals, COLOURS.promoter),
      quarantined: quarantinedHtml(view),
      links: footerLinksHtml(view, title),
    },
  });
  return { subject: defuseHandlebars(subject), html, text: textPart(view, title, period) };
};
