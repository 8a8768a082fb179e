/** GET /console/activity: the activity log, newest first, 50 entries a page (shared/team/activity.ts). */

import { activityMain } from '#functions/console/pages/activity/activity-view.ts';
import { listActivity } from '#shared/team/activity.ts';
import { type Handler, page } from '../../router.ts';

const PAGE_SIZE = 50;

export const activityPage: Handler = async (ctx) => {
  const after = ctx.query.get('after') || undefined;
  const found = await listActivity(ctx.store, { limit: PAGE_SIZE, ...(after ? { after } : {}) });
  return page(
    ctx.t('nav.activity'),
    activityMain({
      locale: ctx.locale,
      t: ctx.t,
      timeZone: ctx.settings.timeZone,
      entries: found.entries,
      paged: Boolean(after),
      ...(found.next ? { next: found.next } : {}),
    }),
  );
};
