/** The leadership digest email: an honest NPS summary of one period, from compiled digest.mjml. */
import { type Category, categoryOf } from '../shared/core/survey.ts';
import { compiledEmail } from './compiled.ts';
import { type DigestInsights, insightsHtml, insightsText, trendHtml } from './digest-insights.ts';
import { formatMargin, formatSigned, oneLine, percent, truncate } from './format.ts';
import { formatDecimal, formatInteger, type Locale, t, tPlural } from './messages.ts';
import { defuseHandlebars, escapeEmailHtml as esc, renderCompiled } from './render.ts';
import type { EmailContent } from './survey-email.ts';

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
  segments: { column: string; value: string; responses: number; nps: number | null }[];
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

export interface OtherSurvey {
  kind: 'csat' | 'ces';
  responses: number;
  /** CSAT: the share satisfied (4–5), 0…1. CES: the mean effort, 1…7. */
  value: number;
  /** CSAT: percentage points. CES: points of the scale. */
  margin: number | null;
  change: { delta: number; significant: boolean } | null;
}

/** Longest comment shown; the rest is cut with an ellipsis. */
export const MAX_COMMENT_CHARS = 500;
/** Most comments (and, separately, referrals) listed; the digest says how many more there were. */
export const MAX_COMMENTS_SHOWN = 50;

const COLOURS: Readonly<Record<Category, string>> = {
  detractor: '#b91c1c',
  passive: '#6b7280',
  promoter: '#15803d',
};
const MUTED = '#4b5563';

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

const heading = (text: string): string =>
  `<h2 style="margin:20px 0 8px;font-size:17px;line-height:24px;font-weight:700;color:#111827;">${esc(text)}</h2>`;

const paragraph = (html: string, style = ''): string => `<p style="margin:0 0 6px;${style}">${html}</p>`;

const table = (rows: string): string =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">${rows}</table>`;

const isEmpty = (view: DigestView): boolean => view.responses <= 0;

type SegmentRow = DigestView['segments'][number] & { collapsed?: number };

/**
 * The segment rows a reader needs: per column, each value with a shown NPS, then the values with too few
 * responses as one line ("3 more values with too few responses", their responses summed); values with no
 * responses at all are left out. Pure.
 */
export const segmentRows = (segments: DigestView['segments']): SegmentRow[] => {
  const rows: SegmentRow[] = [];
  const columns = [...new Set(segments.map((s) => s.column))];
  for (const column of columns) {
    const of = segments.filter((s) => s.column === column && s.responses > 0);
    rows.push(...of.filter((s) => s.nps !== null));
    const tiny = of.filter((s) => s.nps === null);
    if (tiny.length === 1) rows.push(tiny[0] as SegmentRow);
    else if (tiny.length > 1)
      rows.push({
        column,
        value: '',
        responses: tiny.reduce((n, s) => n + s.responses, 0),
        nps: null,
        collapsed: tiny.length,
      });
  }
  return rows;
};

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

const categoryOfScore = (score: number): Category => categoryOf('nps', score);

const categoryTotals = (histogram: readonly number[]) => {
  const totals = { detractor: 0, passive: 0, promoter: 0 };
  histogram.forEach((count, score) => {
    totals[categoryOfScore(score)] += count;
  });
  return totals;
};

/** Horizontal bars in table cells (no images, no SVG): one row per score, its count beside it. */
const distributionHtml = (view: DigestView): string => {
  if (isEmpty(view)) return '';
  const { locale } = view;
  const counts = Array.from({ length: 11 }, (_, score) => Math.max(0, view.histogram[score] ?? 0));
  const largest = Math.max(1, ...counts);
  const rows = counts
    .map((count, score) => {
      const width = count === 0 ? 0 : Math.max(1, Math.round((count / largest) * 100));
      const bar =
        width === 0
          ? '<td style="height:16px;font-size:0;line-height:0;">&nbsp;</td>'
          : `<td width="${width}%" style="width:${width}%;height:16px;background-color:${COLOURS[categoryOfScore(score)]};font-size:0;line-height:0;">&nbsp;</td>` +
            (width < 100 ? '<td style="font-size:0;line-height:0;">&nbsp;</td>' : '');
      return (
        '<tr>' +
        `<td width="24" style="width:24px;padding:2px 8px 2px 0;font-size:13px;line-height:18px;color:#374151;text-align:right;">${score}</td>` +
        `<td style="padding:2px 0;">${table(`<tr>${bar}</tr>`)}</td>` +
        `<td width="48" style="width:48px;padding:2px 0 2px 8px;font-size:13px;line-height:18px;color:#111827;text-align:right;">${esc(formatInteger(locale, count))}</td>` +
        '</tr>'
      );
    })
    .join('');
  const totals = categoryTotals(counts);
  const all = Math.max(1, totals.detractor + totals.passive + totals.promoter);
  const legend = (
    [
      ['detractor', 'digest.detractors'],
      ['passive', 'digest.passives'],
      ['promoter', 'digest.promoters'],
    ] as const
  )
    .map(
      ([category, key]) =>
        `<span style="white-space:nowrap;"><span style="display:inline-block;width:10px;height:10px;margin-right:4px;background-color:${COLOURS[category]};"></span>${esc(
          t(locale, 'digest.categoryCount', {
            label: t(locale, key),
            count: formatInteger(locale, totals[category]),
            share: percent(locale, totals[category] / all),
          }),
        )}</span>`,
    )
    .join('<br>');
  return (
    heading(t(locale, 'digest.distribution')) +
    table(rows) +
    paragraph(legend, 'margin-top:10px;font-size:13px;')
  );
};

const segmentsHtml = (view: DigestView): string => {
  const segments = segmentRows(view.segments);
  if (isEmpty(view) || segments.length === 0) return '';
  const { locale } = view;
  const cell = (html: string, style = '') =>
    `<td style="padding:4px 0;border-bottom:1px solid #e5e7eb;font-size:14px;line-height:20px;word-break:break-word;${style}">${html}</td>`;
  const head = (text: string, align: 'left' | 'right', width = '') =>
    `<th scope="col" align="${align}"${width ? ` width="${width}"` : ''} style="padding:4px 0;border-bottom:2px solid #d1d5db;font-size:12px;line-height:16px;color:${MUTED};text-align:${align};font-weight:600;">${esc(text)}</th>`;
  const rows: string[] = [
    `<tr>${head(t(locale, 'digest.segments.segment'), 'left')}${head(t(locale, 'digest.segments.responses'), 'right', '88')}${head(t(locale, 'digest.segments.nps'), 'right', '72')}</tr>`,
  ];
  let column: string | undefined;
  for (const segment of segments) {
    if (segment.column !== column) {
      column = segment.column;
      rows.push(
        `<tr><th scope="rowgroup" colspan="3" align="left" style="padding:10px 0 4px;border-bottom:1px solid #e5e7eb;font-size:14px;line-height:20px;font-weight:700;text-align:left;word-break:break-word;">${esc(oneLine(column, 80))}</th></tr>`,
      );
    }
    const nps =
      segment.nps === null
        ? `<span style="color:${MUTED};">${esc(t(locale, 'digest.segments.hidden'))}</span>`
        : esc(formatSigned(segment.nps));
    const name = segment.collapsed
      ? `<span style="color:${MUTED};">${esc(tPlural(locale, 'digest.segments.fewer', segment.collapsed))}</span>`
      : esc(oneLine(segment.value, 80));
    rows.push(
      `<tr>${cell(name, 'padding-left:10px;')}${cell(esc(formatInteger(locale, segment.responses)), 'text-align:right;')}${cell(nps, 'text-align:right;')}</tr>`,
    );
  }
  const note = segments.some((s) => s.nps === null)
    ? paragraph(
        esc(t(locale, 'digest.segments.note', { min: view.minSegmentResponses })),
        `margin-top:8px;font-size:13px;color:${MUTED};`,
      )
    : '';
  // A data table (headers with scope), not layout: screen readers announce its rows and columns.
  const data = `<table width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">${rows.join('')}</table>`;
  return heading(t(locale, 'digest.segments')) + data + note;
};

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

const consentLine = (locale: Locale, c: DigestComment): string =>
  c.consent === undefined
    ? ''
    : t(locale, c.consent ? 'digest.referral.consent' : 'digest.referral.noConsent');

const commentListHtml = (
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
