/**
 * The activity page: who created or cancelled a wave, changed the digest readers, sent the digest or erased a
 * contact, and when, newest first, a page at a time. The sentence of each entry comes from the catalog
 * (`activity.<kind>`); its details (a wave id, a reader's address) are escaped like any other text.
 */
import type { ActivityEntry } from '#shared/team/activity.ts';
import type { Locale } from '#templates/messages.ts';
import { formatTime } from '#templates/numbers.ts';
import type { Translate } from '../../locales/messages.ts';
import { html, type SafeHtml } from '../../ui/html.ts';

export const ACTIVITY_PATH = '/console/activity';

export interface ActivityPageView {
  locale: Locale;
  t: Translate;
  timeZone: string;
  entries: readonly ActivityEntry[];
  next?: string;
  paged: boolean;
}

/** The entry's sentence; a detail the sentence needs but the entry lacks shows as a dash, never a failure. */
const sentenceOf = (t: Translate, entry: ActivityEntry): string =>
  t(`activity.${entry.what}`, { wave: '–', address: '–', ...entry.detail });

export const activityMain = (v: ActivityPageView): SafeHtml => {
  const { t } = v;
  const pager = html`<nav class="pager" aria-label="${t('activityLog.pages')}">${
    v.paged ? html`<a href="${ACTIVITY_PATH}">${t('activityLog.newest')}</a>` : ''
  }${v.next ? html`<a href="${ACTIVITY_PATH}?after=${encodeURIComponent(v.next)}" rel="next">${t('activityLog.older')}</a>` : ''}</nav>`;
  if (v.entries.length === 0)
    return html`<p>${t(v.paged ? 'activityLog.noMore' : 'activityLog.none')}</p>${pager}`;
  return html`<p class="muted">${t('activityLog.intro')}</p>
<div class="table-wrap" tabindex="0"><table>
<caption>${t('activityLog.caption', { zone: v.timeZone })}</caption>
<thead><tr><th scope="col">${t('activityLog.when')}</th><th scope="col">${t('activityLog.who')}</th><th scope="col">${t('activityLog.what')}</th></tr></thead>
<tbody>${v.entries.map(
    (e) =>
      html`<tr><th scope="row"><time datetime="${e.at}">${formatTime(v.locale, e.at, v.timeZone)}</time></th><td>${e.who}</td><td>${sentenceOf(t, e)}</td></tr>`,
  )}</tbody>
</table></div>
${pager}`;
};
