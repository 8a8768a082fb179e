/** GET /console/activity: the activity log, newest first, 50 entries a page (shared/console/activity.ts). */
import { listActivity } from '#shared/console/activity.ts';
import { digestTimeZone } from '#shared/core/config.ts';
import { activityMain } from '#templates/console/activity.ts';
import { type Handler, page } from '../router.ts';

const PAGE_SIZE = 50;

export const activityPage: Handler = async (ctx) => {
  const after = ctx.query.get('after') || undefined;
  const found = await listActivity(ctx.store, { limit: PAGE_SIZE, ...(after ? { after } : {}) });
  return page(
    ctx.t('nav.activity'),
    activityMain({
      locale: ctx.locale,
      t: ctx.t,
      timeZone: digestTimeZone(),
      entries: found.entries,
      paged: Boolean(after),
      ...(found.next ? { next: found.next } : {}),
    }),
  );
};
