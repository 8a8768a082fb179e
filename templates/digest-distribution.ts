/**
 * The digest's 0–10 distribution: one bar per score in its category's colour (table cells, no images, so
 * every mail client shows it), and the three categories' counts and shares below. Pure.
 */
import { type Category, categoryOf } from '../shared/core/survey.ts';
import { heading, paragraph, table } from './digest-style.ts';
import { percent } from './format.ts';
import { formatInteger, type Locale, t } from './messages.ts';
import { escapeEmailHtml as esc } from './render.ts';

export const COLOURS: Readonly<Record<Category, string>> = {
  detractor: '#b91c1c',
  passive: '#6b7280',
  promoter: '#15803d',
};

const categoryOfScore = (score: number): Category => categoryOf('nps', score);

export const categoryTotals = (histogram: readonly number[]) => {
  const totals = { detractor: 0, passive: 0, promoter: 0 };
  histogram.forEach((count, score) => {
    totals[categoryOfScore(score)] += count;
  });
  return totals;
};

/** Horizontal bars in table cells (no images, no SVG): one row per score, its count beside it. */
export const distributionHtml = (view: {
  locale: Locale;
  responses: number;
  histogram: readonly number[];
}): string => {
  if (view.responses <= 0) return '';
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
