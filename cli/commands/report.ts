/** `nps report`: NPS, margin of error and the 0–10 histogram, overall, for a wave, a period or per segment. */

import { isoWeekRange } from '#shared/core/period.ts';
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import { buildReport } from '#shared/reporting/report.ts';
import { getWave } from '#shared/waves/repository.ts';
import { command, group, UsageError } from '../command.ts';
import { headline } from '../format.ts';
import { insightsReport, wantsInsights } from '../insights.ts';

/** A day as YYYY-MM-DD, or a UsageError naming the option. */
const dayOf = (option: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new UsageError(`--${option} must be a date like 2026-11-01, not "${value}"`);
  return value;
};

const report = command({
  name: '',
  summary: 'responses, NPS with its margin of error and the 0–10 histogram; one line per segment value',
  options: {
    wave: { type: 'string', value: 'ID', help: 'one wave only (its survey kind unless --survey)' },
    segment: {
      type: 'string',
      value: 'COLUMN',
      help: 'per value of this audience column, across all waves or within --wave',
    },
    since: { type: 'string', value: 'YYYY-MM-DD', help: 'responses from this day on' },
    until: { type: 'string', value: 'YYYY-MM-DD', help: 'and before this day (needs --since)' },
    week: { type: 'string', value: '2026-W47', help: 'one ISO week, instead of --since/--until' },
    survey: { type: 'string', choices: SURVEY_KINDS, help: 'the survey kind (nps unless given)' },
    trend: {
      type: 'string',
      choices: ['week', 'month'],
      help: 'NPS, n and margin per week or month, oldest first',
    },
    weeks: { type: 'string', value: 'N', help: 'with --trend week: how many weeks (12 unless given)' },
    months: { type: 'string', value: 'N', help: 'with --trend month: how many months (12 unless given)' },
    drivers: { type: 'boolean', help: 'each segment value against everyone else, Holm-corrected' },
    themes: {
      type: 'boolean',
      help: "the themes of the period's comments (last 30 days unless given) and emerging terms",
    },
  },
  run: async ({ options: o, store }) => {
    const weekRange = o.week === undefined ? undefined : isoWeekRange(o.week);
    if (o.week !== undefined && !weekRange)
      throw new UsageError(`--week must be an ISO week like 2026-W47, not "${o.week}"`);
    if (weekRange && (o.since || o.until)) throw new UsageError('give either --week or --since/--until');
    const since = weekRange?.since ?? dayOf('since', o.since);
    const until = weekRange?.until ?? dayOf('until', o.until);
    if (until && !since) throw new UsageError('--until needs --since');
    const kind =
      o.wave && !o.survey ? (await getWave(store.ddb, store.table, o.wave)).kind : (o.survey ?? 'nps');
    const range = since ? { since, ...(until ? { until } : {}) } : undefined;
    if (wantsInsights(o)) return insightsReport(store, { ...o, kind, waveId: o.wave, range });
    const result = await buildReport(store, {
      kind,
      ...(o.wave ? { waveId: o.wave } : {}),
      ...(o.segment ? { segment: o.segment } : {}),
      ...(since ? { range: { since, ...(until ? { until } : {}) } } : {}),
    });
    const lines = [`${result.responses} responses, ${headline(kind, result)}`];
    for (const s of result.segments ?? [])
      lines.push(`  ${s.column}=${s.value}: ${s.responses} responses, ${headline(kind, s)}`);
    return { data: result, text: lines.join('\n') };
  },
});

export default group({
  name: 'report',
  summary: 'the figures of the responses so far',
  commands: [report],
});
