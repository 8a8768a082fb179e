/**
 * GET /console: the dashboard of the chosen period (the last 30 days unless the form says otherwise), with
 * the figures `nps report` prints for the same days. A period that cannot be read answers 400 with the form
 * saying what to fix.
 */

import { dashboardMain } from '#functions/console/pages/dashboard/dashboard-view.ts';
import { readDashboard } from '#shared/reporting/dashboard.ts';
import { choosePeriod, DEFAULT_PERIOD_CHOICE, MAX_CUSTOM_DAYS } from '#shared/reporting/period-choice.ts';
import { type Handler, page } from '../../router.ts';

export const dashboardPage: Handler = async (ctx) => {
  const q = ctx.query;
  const input = { period: q.get('period'), week: q.get('week'), from: q.get('from'), to: q.get('to') };
  const title = ctx.t('nav.dashboard');
  const chosen = choosePeriod(input, ctx.now, ctx.settings.timeZone);
  if ('problem' in chosen) {
    const form = {
      action: '/console',
      choice: input.period ?? DEFAULT_PERIOD_CHOICE,
      week: input.week ?? '',
      from: input.from ?? '',
      to: input.to ?? '',
      problem: chosen.problem,
      maxDays: MAX_CUSTOM_DAYS,
    };
    return page(title, dashboardMain({ locale: ctx.locale, t: ctx.t, form }), 400);
  }
  const { period } = chosen;
  const dashboard = await readDashboard(ctx.store, {
    period: period.current,
    previous: period.previous,
    minSegmentResponses: ctx.settings.survey.minSegmentResponses,
  });
  const form = {
    action: '/console',
    choice: period.choice,
    week: period.week,
    from: period.from,
    to: period.to,
    maxDays: MAX_CUSTOM_DAYS,
  };
  return page(title, dashboardMain({ locale: ctx.locale, t: ctx.t, form, dashboard }));
};
