/**
 * The dashboard's charts as server-rendered SVG: no script, no inline style (colours come from console.css
 * classes), scaled by their viewBox to any width. Each is a titled image; the page puts the same numbers in a
 * table beside it for screen readers and for anyone who wants the exact figures.
 */
import type { Locale } from '#templates/messages.ts';
import { html, type SafeHtml } from './html.ts';

export interface TrendChartPoint {
  /** `2026-W47`. */
  label: string;
  responses: number;
  nps: number | null;
  marginOfError: number | null;
  /** Fewer responses than the minimum: drawn hollow. */
  belowMinimum: boolean;
}

const W = 480;
const round = (x: number) => Math.round(x * 10) / 10;
const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));
const signedLabel = (locale: Locale, v: number) =>
  `${v > 0 ? '+' : ''}${new Intl.NumberFormat(locale).format(v)}`;

/** The weekly NPS from −100 to +100: a point per week with its margin, a line through weeks with responses. */
export const trendChart = (o: {
  id: string;
  title: string;
  points: readonly TrendChartPoint[];
  locale: Locale;
}): SafeHtml => {
  const H = 240;
  const left = 40;
  const right = 8;
  const top = 12;
  const bottom = 32;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const n = Math.max(1, o.points.length);
  const x = (i: number) => round(left + ((i + 0.5) * plotW) / n);
  const y = (v: number) => round(top + ((100 - clamp(v, -100, 100)) / 200) * plotH);
  const grid = [100, 50, 0, -50, -100].map(
    (v) =>
      html`<line class="${v === 0 ? 'axis' : 'grid'}" x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}"/><text class="tick" x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${signedLabel(o.locale, v)}</text>`,
  );
  let path = '';
  let drawing = false;
  o.points.forEach((p, i) => {
    if (p.nps === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(i)} ${y(p.nps)} `;
    drawing = true;
  });
  const every = Math.ceil(n / 8);
  const marks = o.points.map((p, i) => {
    const label =
      (n - 1 - i) % every === 0
        ? html`<text class="tick" x="${x(i)}" y="${H - bottom + 18}" text-anchor="middle">${p.label.slice(5)}</text>`
        : '';
    if (p.nps === null) return label;
    const margin = p.marginOfError ?? 0;
    return html`${label}<line class="margin" x1="${x(i)}" x2="${x(i)}" y1="${y(p.nps + margin)}" y2="${y(p.nps - margin)}"/><circle class="${p.belowMinimum ? 'point thin' : 'point'}" cx="${x(i)}" cy="${y(p.nps)}" r="4"/>`;
  });
  return html`<svg class="chart" id="${o.id}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${o.id}-title" focusable="false"><title id="${o.id}-title">${o.title}</title>${grid}${path ? html`<path class="line" d="${path.trim()}"/>` : ''}${marks}</svg>`;
};

/** Bars of the 0–10 distribution, coloured by category, each with its count above it. */
export const distributionChart = (o: {
  id: string;
  title: string;
  histogram: readonly number[];
  locale: Locale;
}): SafeHtml => {
  const H = 200;
  const left = 8;
  const right = 8;
  const top = 20;
  const bottom = 28;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const slot = plotW / 11;
  const max = Math.max(1, ...o.histogram);
  const count = new Intl.NumberFormat(o.locale);
  const bars = Array.from({ length: 11 }, (_, score) => {
    const value = o.histogram[score] ?? 0;
    const height = round((value / max) * plotH);
    const cx = round(left + (score + 0.5) * slot);
    const category = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
    return html`<rect class="bar ${category}" x="${round(cx - slot * 0.35)}" y="${round(top + plotH - height)}" width="${round(slot * 0.7)}" height="${height}"/><text class="value" x="${cx}" y="${round(top + plotH - height - 5)}" text-anchor="middle">${count.format(value)}</text><text class="tick" x="${cx}" y="${H - bottom + 18}" text-anchor="middle">${score}</text>`;
  });
  return html`<svg class="chart" id="${o.id}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${o.id}-title" focusable="false"><title id="${o.id}-title">${o.title}</title><line class="axis" x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}"/>${bars}</svg>`;
};
