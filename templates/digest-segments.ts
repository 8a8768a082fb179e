/**
 * The digest's NPS per segment as a data table (headers with scope, so screen readers announce its rows and
 * columns): per column, each value with a shown NPS, the ones below the minimum n collapsed into one line.
 * Segment names and values are untrusted text, escaped and bounded. Pure.
 */
import { heading, MUTED, paragraph } from './digest-style.ts';
import { formatSigned, oneLine } from './format.ts';
import { formatInteger, type Locale, t, tPlural } from './messages.ts';
import { escapeEmailHtml as esc } from './render.ts';

/** One segment value's figures; nps null = hidden, below the minimum number of responses. */
export interface DigestSegment {
  column: string;
  value: string;
  responses: number;
  nps: number | null;
}

interface SegmentsView {
  locale: Locale;
  responses: number;
  segments: readonly DigestSegment[];
  minSegmentResponses: number;
}

type SegmentRow = DigestSegment & { collapsed?: number };

/**
 * The segment rows a reader needs: per column, each value with a shown NPS, then the values with too few
 * responses as one line ("3 more values with too few responses", their responses summed); values with no
 * responses at all are left out. Pure.
 */
export const segmentRows = (segments: readonly DigestSegment[]): SegmentRow[] => {
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

export const segmentsHtml = (view: SegmentsView): string => {
  const segments = segmentRows(view.segments);
  if (view.responses <= 0 || segments.length === 0) return '';
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
