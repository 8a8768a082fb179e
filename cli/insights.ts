/**
 * `nps report --trend | --drivers | --themes`: the trend per week or month, the drivers among the segments,
 * and the themes of the comments, as JSON and as lines for a terminal.
 */
import { digestTimeZone, surveyPolicy } from '#shared/core/config.ts';
import type { DayRange } from '#shared/core/period.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { addDays, dayIn } from '#shared/core/time.ts';
import { readDrivers, readThemes } from '#shared/insights/read.ts';
import { isTrendUnit, readTrend, type TrendUnit, trendJson } from '#shared/insights/trend.ts';
import { waveScope } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Output } from './command.ts';
import { UsageError } from './command.ts';
import { signed } from './format.ts';

export interface InsightOptions {
  kind: SurveyKind;
  waveId?: string | undefined;
  segment?: string | undefined;
  range?: DayRange | undefined;
  trend?: string | undefined;
  weeks?: string | undefined;
  months?: string | undefined;
  drivers?: boolean | undefined;
  themes?: boolean | undefined;
}

/** Themes read the last 30 days (and the 30 before) unless a period is given. */
const DEFAULT_THEME_DAYS = 30;
const MAX_PERIODS = 520;

const countOf = (option: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PERIODS)
    throw new UsageError(`--${option} must be a whole number from 1 to ${MAX_PERIODS}, not "${raw}"`);
  return n;
};

const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 100)}%`);

export const wantsInsights = (o: Pick<InsightOptions, 'trend' | 'drivers' | 'themes'>): boolean =>
  Boolean(o.trend || o.drivers || o.themes);

export const insightsReport = async (store: TableStore, o: InsightOptions): Promise<Output> => {
  if (o.trend !== undefined && !isTrendUnit(o.trend))
    throw new UsageError(`--trend must be week or month, not "${o.trend}"`);
  if (o.weeks && o.trend !== 'week') throw new UsageError('--weeks goes with --trend week');
  if (o.months && o.trend !== 'month') throw new UsageError('--months goes with --trend month');
  if (o.trend && o.range)
    throw new UsageError('--trend reads its own periods; leave out --since, --until and --week');
  const minResponses = surveyPolicy().minSegmentResponses;
  const today = dayIn(digestTimeZone(), new Date());
  const data: Record<string, unknown> = {};
  const lines: string[] = [];
  if (o.trend) {
    const unit = o.trend as TrendUnit;
    const count = unit === 'week' ? countOf('weeks', o.weeks, 12) : countOf('months', o.months, 12);
    const points = await readTrend(store, {
      kind: o.kind,
      unit,
      count,
      today,
      minResponses,
      ...(o.waveId ? { scope: waveScope(o.waveId) } : {}),
    });
    data.trend = trendJson(unit, points);
    for (const p of points) {
      const mark = p.change?.significant
        ? p.change.delta > 0
          ? ' ▲ significant rise'
          : ' ▼ significant fall'
        : '';
      lines.push(
        `${p.label}  ${signed(p.nps).padStart(4)} ±${p.marginOfError ?? 'n/a'}  (${p.responses} responses)${mark}`,
      );
    }
  }
  if (o.drivers) {
    if (o.waveId) throw new UsageError('--drivers compares segments across all waves; leave out --wave');
    const drivers = await readDrivers(store, {
      kind: o.kind,
      minResponses,
      ...(o.range ? { range: o.range } : {}),
      ...(o.segment ? { column: o.segment } : {}),
    });
    data.drivers = drivers;
    data.correction = { method: 'holm', comparisons: drivers.length, alpha: 0.05, minResponses };
    if (lines.length) lines.push('');
    lines.push(
      `Drivers (Holm-corrected over ${drivers.length} comparisons; at least ${minResponses} responses each):`,
    );
    for (const d of drivers)
      lines.push(
        `  ${d.column}=${d.value}: ${signed(d.nps)} against ${signed(d.others.nps)} for everyone else, difference ${d.difference} [${d.low}, ${d.high}], p=${d.adjustedP}${d.significant ? ' significant' : ''} (${d.responses} responses)`,
      );
  }
  if (o.themes) {
    if (o.waveId) throw new UsageError('--themes reads the comments of all waves; leave out --wave');
    const until = o.range?.until ?? addDays(today, 1);
    const range = { since: o.range?.since ?? addDays(until, -DEFAULT_THEME_DAYS), until };
    const themes = await readThemes(store, { kind: o.kind, range, minComments: minResponses });
    Object.assign(data, {
      period: themes.period,
      previousPeriod: themes.previousPeriod,
      comments: themes.comments,
      previousComments: themes.previousComments,
      themes: themes.themes.map((t) => ({ label: t.labels.en, ...t })),
      emerging: themes.emerging,
    });
    if (lines.length) lines.push('');
    const before = themes.previousPeriod;
    lines.push(
      `Themes of ${themes.comments} comments ${range.since}..${range.until} (previous period ${before.since}..${before.until}: ${themes.previousComments}):`,
    );
    for (const t of themes.themes)
      lines.push(
        `  ${t.labels.en}: ${t.count} (${percent(t.share)}; detractors ${percent(t.byCategory.detractor.share)}, passives ${percent(t.byCategory.passive.share)}, promoters ${percent(t.byCategory.promoter.share)}), before ${t.previous.count}${t.change ? `, ${t.change.delta > 0 ? '+' : ''}${t.change.delta} points${t.change.significant ? ' significant' : ''}` : ''}`,
      );
    if (themes.emerging.length)
      lines.push(
        `  Emerging: ${themes.emerging.map((e) => `${e.term} (${e.count}, ×${e.rise})`).join(', ')}`,
      );
  }
  return { data, text: lines.join('\n') };
};
