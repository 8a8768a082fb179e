/**
 * The digest's insight sections: the weekly trend as table cells (no images, SVG or script, so Gmail and
 * Outlook show it), the significant drivers one sentence each, the top themes with one example, the value
 * held per category and at risk, and the gap to each benchmark with its source. HTML and plain text, every
 * figure with its n; untrusted text (segment values, comments, benchmark names and sources) escaped. Pure.
 */
import { formatMargin, formatSigned, oneLine, percent } from './format.ts';
import { formatDecimal, formatInteger, formatMessage, type Locale, t } from './messages.ts';
import { escapeEmailHtml as esc } from './render.ts';

export interface TrendWeek {
  /** ISO week, `2026-W36`. */
  week: string;
  /** Its Monday, yyyy-mm-dd. */
  since: string;
  responses: number;
  nps: number | null;
  marginOfError: number | null;
  /** Against the week before, judged only when both have the minimum n. */
  change: { delta: number; significant: boolean } | null;
}

export interface DigestDriver {
  column: string;
  value: string;
  responses: number;
  nps: number;
  others: number;
  othersResponses: number;
  /** Segment minus everyone else, with its 95% interval, in NPS points. */
  difference: number;
  low: number;
  high: number;
}

export interface DigestTheme {
  id: string;
  labels: Readonly<Record<Locale, string>>;
  count: number;
  /** Of the period's comments, 0…1. */
  share: number;
  change: { delta: number; significant: boolean } | null;
  example?: string;
}

export interface DigestInsights {
  /** Recent ISO weeks, oldest first. */
  trend?: TrendWeek[];
  /** The segment values that differ from everyone else after Holm's correction over `comparisons`. */
  drivers?: { comparisons: number; significant: DigestDriver[] };
  themes?: { comments: number; top: DigestTheme[] };
  /** With a value column: the value each category holds (whole units). */
  value?: {
    promoters: number;
    passives: number;
    detractors: number;
    atRisk: number;
    weightedNps: number | null;
    responses: number;
  } | null;
  benchmarks?: { name: string; score: number; source: string; gap: number; overlaps: boolean }[];
}

interface View extends DigestInsights {
  locale: Locale;
  nps: number | null;
  marginOfError: number | null;
  minSegmentResponses: number;
}

const MUTED = '#4b5563';
const RED = '#b91c1c';
const GREEN = '#15803d';
const MAX_EXAMPLE_CHARS = 200;

const heading = (text: string): string =>
  `<h2 style="margin:20px 0 8px;font-size:17px;line-height:24px;font-weight:700;color:#111827;">${esc(text)}</h2>`;
const paragraph = (html: string, style = ''): string => `<p style="margin:0 0 6px;${style}">${html}</p>`;
/** A layout table: no header cells, and screen readers skip its structure. */
const table = (rows: string): string =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">${rows}</table>`;
/** A data table (headers with scope): screen readers announce its rows and columns. */
const dataTable = (rows: string): string =>
  `<table width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">${rows}</table>`;

const weekDate = (locale: Locale, day: string): string =>
  new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );

const shown = (view: View, week: TrendWeek): boolean =>
  week.nps !== null && week.responses >= view.minSegmentResponses;

const arrow = (locale: Locale, change: TrendWeek['change'], html: boolean): string => {
  if (!change?.significant) return '';
  const up = change.delta > 0;
  const label = t(locale, up ? 'digest.trend.up' : 'digest.trend.down');
  return html
    ? ` <span title="${esc(label)}" style="color:${up ? GREEN : RED};">${up ? '▲' : '▼'}</span>`
    : ` ${up ? '▲' : '▼'} ${label}`;
};

/** A bar from the middle: left and red below zero, right and green above, as table cells. */
const divergingBar = (nps: number): string => {
  const half = (x: number) => Math.min(50, Math.round(Math.abs(x) / 2));
  const neg = nps < 0 ? half(nps) : 0;
  const pos = nps > 0 ? half(nps) : 0;
  const cell = (width: number, style: string) =>
    width > 0
      ? `<td width="${width}%" style="width:${width}%;height:14px;font-size:0;line-height:0;${style}">&nbsp;</td>`
      : '';
  return table(
    `<tr>${cell(50 - neg, '')}${cell(neg, `background-color:${RED};`)}<td width="1" style="width:1px;background-color:#9ca3af;font-size:0;line-height:0;">&nbsp;</td>${cell(pos, `background-color:${GREEN};`)}${cell(50 - pos, '')}</tr>`,
  );
};

export const trendHtml = (view: View): string => {
  const { locale, trend } = view;
  if (!trend || trend.length === 0 || trend.every((w) => w.responses === 0)) return '';
  const headStyle = (align: string) =>
    `padding:4px 0;border-bottom:2px solid #d1d5db;font-size:12px;line-height:16px;color:${MUTED};text-align:${align};font-weight:600;`;
  const head = (text: string, align: string, width = '') =>
    `<th scope="col" align="${align}"${width ? ` width="${width}"` : ''} style="${headStyle(align)}">${esc(text)}</th>`;
  const cellStyle = 'padding:3px 0;border-bottom:1px solid #e5e7eb;font-size:13px;line-height:18px;';
  const cell = (html: string, style = '') => `<td style="${cellStyle}${style}">${html}</td>`;
  // The week names its row.
  const weekCell = (html: string) =>
    `<th scope="row" align="left" style="${cellStyle}text-align:left;font-weight:400;white-space:nowrap;padding-right:8px;">${html}</th>`;
  const rows = trend.map((week) => {
    const label = `${esc(week.week.slice(5))} <span style="color:${MUTED};">${esc(weekDate(locale, week.since))}</span>`;
    const nps =
      week.responses === 0
        ? `<span title="${esc(t(locale, 'digest.trend.none'))}" style="color:${MUTED};">–</span>`
        : shown(view, week)
          ? `<span style="white-space:nowrap;"><strong>${esc(formatSigned(week.nps as number))}</strong>${arrow(locale, week.change, true)}</span>`
          : `<span style="color:${MUTED};">${esc(t(locale, 'digest.segments.hidden'))}</span>`;
    const n =
      week.marginOfError !== null && shown(view, week)
        ? `${esc(formatInteger(locale, week.responses))} · ${esc(formatMargin(week.marginOfError))}`
        : esc(formatInteger(locale, week.responses));
    const bar = shown(view, week) ? divergingBar(week.nps as number) : '&nbsp;';
    return `<tr>${weekCell(label)}${cell(bar, 'padding-right:8px;')}${cell(nps, 'text-align:right;padding-right:8px;')}${cell(n, `text-align:right;white-space:nowrap;color:${MUTED};`)}</tr>`;
  });
  return (
    heading(t(locale, 'digest.trend')) +
    dataTable(
      // The bar's column has no words of its own: an empty cell, not a header.
      `<tr>${head(t(locale, 'digest.trend.week'), 'left', '84')}<td style="${headStyle('left')}">&nbsp;</td>${head(t(locale, 'digest.trend.nps'), 'right', '64')}${head(t(locale, 'digest.trend.responses'), 'right', '80')}</tr>${rows.join('')}`,
    ) +
    paragraph(
      esc(t(locale, 'digest.trend.legend', { min: view.minSegmentResponses })),
      `margin-top:8px;font-size:12px;line-height:17px;color:${MUTED};`,
    )
  );
};

const driverSentence = (locale: Locale, d: DigestDriver): string =>
  t(locale, 'digest.drivers.sentence', {
    segment: `${oneLine(d.column, 60)} = ${oneLine(d.value, 80)}`,
    nps: formatSigned(d.nps),
    others: formatSigned(d.others),
    responses: formatInteger(locale, d.responses),
    difference: formatSigned(d.difference),
    low: formatSigned(d.low),
    high: formatSigned(d.high),
  });

/** One theme's line; as HTML (escaped, the theme's name in bold) or as plain text. */
const themeLine = (locale: Locale, theme: DigestTheme, comments: number, html = false): string => {
  const values: Record<string, string> = {
    theme: theme.labels[locale],
    count: formatInteger(locale, theme.count),
    total: formatInteger(locale, comments),
    share: percent(locale, theme.share),
  };
  const line = formatMessage(
    locale,
    'digest.themes.line',
    (param) =>
      param === 'theme' && html
        ? `<strong>${esc(values.theme ?? '')}</strong>`
        : html
          ? esc(values[param] ?? '')
          : values[param],
    html ? esc : (text) => text,
  );
  const parts = [line];
  if (theme.change)
    parts.push(
      t(locale, 'digest.themes.change', {
        delta: formatDecimal(locale, theme.change.delta, true),
        significance: t(
          locale,
          theme.change.significant ? 'digest.change.significant' : 'digest.change.notSignificant',
        ),
      }),
    );
  return html ? [line, ...parts.slice(1).map((p) => esc(p))].join(' · ') : parts.join(' · ');
};

const valueLines = (locale: Locale, value: NonNullable<DigestInsights['value']>): string[] => {
  const amount = (x: number) => formatInteger(locale, x);
  return [
    t(locale, 'digest.value.held', {
      promoters: amount(value.promoters),
      passives: amount(value.passives),
      detractors: amount(value.detractors),
    }),
    t(locale, 'digest.value.atRisk', { amount: amount(value.atRisk) }),
    ...(value.weightedNps === null
      ? []
      : [
          t(locale, 'digest.value.weighted', {
            nps: formatSigned(value.weightedNps),
            count: formatInteger(locale, value.responses),
          }),
        ]),
  ];
};

const benchmarkLine = (view: View, b: NonNullable<DigestInsights['benchmarks']>[number]): string =>
  [
    t(view.locale, 'digest.benchmarks.line', {
      name: oneLine(b.name, 80),
      score: formatSigned(b.score),
      source: oneLine(b.source, 200),
      gap: formatSigned(b.gap),
    }),
    t(view.locale, b.overlaps ? 'digest.benchmarks.overlaps' : 'digest.benchmarks.apart', {
      margin: formatMargin(view.marginOfError ?? 0),
    }),
  ].join(' ');

/** Drivers, themes, value and benchmarks, each only when there is something to say. */
export const insightsHtml = (view: View): string => {
  const { locale } = view;
  const out: string[] = [];
  const note = (html: string) => paragraph(html, `font-size:13px;color:${MUTED};`);
  if (view.drivers && view.drivers.comparisons > 0) {
    out.push(heading(t(locale, 'digest.drivers')));
    if (view.drivers.significant.length === 0)
      out.push(paragraph(esc(t(locale, 'digest.drivers.none', { count: view.drivers.comparisons }))));
    for (const d of view.drivers.significant) out.push(paragraph(esc(driverSentence(locale, d))));
    if (view.drivers.significant.length > 0)
      out.push(note(esc(t(locale, 'digest.drivers.note', { count: view.drivers.comparisons }))));
  }
  if (view.themes && view.themes.top.length > 0) {
    out.push(heading(t(locale, 'digest.themes')));
    for (const theme of view.themes.top) {
      out.push(paragraph(themeLine(locale, theme, view.themes.comments, true)));
      if (theme.example)
        out.push(
          `<div style="margin:0 0 10px;padding:6px 12px;border-left:3px solid #d1d5db;background-color:#f9fafb;font-size:13px;line-height:19px;color:#374151;word-break:break-word;">“${esc(oneLine(theme.example, MAX_EXAMPLE_CHARS))}”</div>`,
        );
    }
  }
  if (view.value) {
    out.push(heading(t(locale, 'digest.value')));
    for (const line of valueLines(locale, view.value)) out.push(paragraph(esc(line)));
  }
  if (view.benchmarks && view.benchmarks.length > 0 && view.nps !== null) {
    out.push(heading(t(locale, 'digest.benchmarks')));
    for (const b of view.benchmarks) out.push(paragraph(esc(benchmarkLine(view, b))));
  }
  return out.join('');
};

/** The same sections for the plain-text part. */
export const insightsText = (view: View): string[] => {
  const { locale } = view;
  const lines: string[] = [];
  if (view.trend?.some((w) => w.responses > 0)) {
    lines.push('', t(locale, 'digest.trend'));
    for (const week of view.trend) {
      const nps =
        week.responses === 0
          ? t(locale, 'digest.trend.none')
          : shown(view, week)
            ? `${formatSigned(week.nps as number)} (${formatMargin(week.marginOfError ?? 0)})${arrow(locale, week.change, false)}`
            : t(locale, 'digest.segments.hidden');
      lines.push(`${week.week}: ${nps} · n = ${week.responses}`);
    }
    lines.push(t(locale, 'digest.trend.legend', { min: view.minSegmentResponses }));
  }
  if (view.drivers && view.drivers.comparisons > 0) {
    lines.push('', t(locale, 'digest.drivers'));
    if (view.drivers.significant.length === 0)
      lines.push(t(locale, 'digest.drivers.none', { count: view.drivers.comparisons }));
    for (const d of view.drivers.significant) lines.push(`- ${driverSentence(locale, d)}`);
  }
  if (view.themes && view.themes.top.length > 0) {
    lines.push('', t(locale, 'digest.themes'));
    for (const theme of view.themes.top) {
      lines.push(`- ${themeLine(locale, theme, view.themes.comments)}`);
      if (theme.example) lines.push(`  “${oneLine(theme.example, MAX_EXAMPLE_CHARS)}”`);
    }
  }
  if (view.value) lines.push('', t(locale, 'digest.value'), ...valueLines(locale, view.value));
  if (view.benchmarks && view.benchmarks.length > 0 && view.nps !== null)
    lines.push(
      '',
      t(locale, 'digest.benchmarks'),
      ...view.benchmarks.map((b) => `- ${benchmarkLine(view, b)}`),
    );
  return lines;
};
