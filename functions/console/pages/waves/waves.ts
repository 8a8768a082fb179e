/**
 * The waves list (`nps wave list` with each wave's counts, as `nps wave status` gives them): name, kind,
 * status, sent, responses, quarantined and score, newest first; the counts refresh through its JSON twin.
 */

import { html, type SafeHtml, type Translate } from '#functions/console/ui/index.ts';
import type { Locale } from '#shared/core/locale.ts';
import type { TableStore } from '#shared/store/table.ts';
import { allows } from '#shared/team/roles.ts';
import { listWaves } from '#shared/waves/repository.ts';
import { type WaveStatus, waveStatus } from '#shared/waves/status.ts';
import { type Handler, json, page } from '../../router.ts';
import { count, headline, kindLabel, liveValues, statusLabel, when } from '../wave/wave-figures.ts';

export const NEW_WAVE_PATH = '/console/waves/new';
export const wavePath = (id: string): string => `/console/waves/${encodeURIComponent(id)}`;

const statuses = async (store: TableStore): Promise<WaveStatus[]> => {
  const waves = (await listWaves(store.ddb, store.table)).reverse();
  return Promise.all(waves.map((wave) => waveStatus(store, wave)));
};

export interface WavesView {
  t: Translate;
  locale: Locale;
  /** The time zone sending times are shown in. */
  zone: string;
  /** Newest first. */
  waves: readonly WaveStatus[];
  /** Offer New wave (the page it opens checks the role again). */
  editor: boolean;
}

/** The list's markup. Pure: the shots render it with sample waves. */
export const wavesMain = ({ t, locale, zone, waves, editor }: WavesView): SafeHtml => {
  const newWave = editor ? html`<p><a class="button" href="${NEW_WAVE_PATH}">${t('waves.new')}</a></p>` : '';
  if (waves.length === 0) return html`${newWave}<p class="muted">${t('waves.empty')}</p>`;
  const live = (id: string, field: string) => html` data-live="${id}.${field}"`;
  const rows = waves.map(
    (w) => html`<tr>
<th scope="row"><a href="${wavePath(w.id)}">${w.name}</a><br><span class="muted small">${when(locale, w.sendAt, zone)}</span></th>
<td>${kindLabel(t, w.survey)}</td>
<td${live(w.id, 'status')}>${statusLabel(t, w.status)}</td>
<td class="num"${live(w.id, 'sent')}>${count(locale, w.sent)}</td>
<td class="num"${live(w.id, 'responses')}>${count(locale, w.responses)}</td>
<td class="num"${live(w.id, 'quarantined')}>${count(locale, w.quarantined)}</td>
<td class="num"${live(w.id, 'score')}>${headline(locale, t, w)}</td>
</tr>`,
  );
  return html`${newWave}
<div class="table-wrap" tabindex="0" data-live-src="/console/api/waves">
<table>
<caption>${t('waves.caption')}</caption>
<thead><tr>
<th scope="col">${t('waves.col.name')}</th>
<th scope="col">${t('waves.col.kind')}</th>
<th scope="col">${t('waves.col.status')}</th>
<th scope="col" class="num">${t('waves.col.sent')}</th>
<th scope="col" class="num">${t('waves.col.responses')}</th>
<th scope="col" class="num">${t('waves.col.quarantined')}</th>
<th scope="col" class="num">${t('waves.col.score')}</th>
</tr></thead>
<tbody>${rows}</tbody>
</table>
</div>`;
};

export const wavesPage: Handler = async (ctx) =>
  page(
    ctx.t('nav.waves'),
    wavesMain({
      t: ctx.t,
      locale: ctx.locale,
      zone: ctx.settings.timeZone,
      waves: await statuses(ctx.store),
      editor: allows(ctx.user.role, 'editor'),
    }),
  );

/** The list's counts as text, for console.js to refresh the cells in place. */
export const wavesLive: Handler = async (ctx) => {
  const waves = await statuses(ctx.store);
  const values: Record<string, string> = {};
  for (const w of waves) Object.assign(values, liveValues(ctx.locale, ctx.t, w, `${w.id}.`));
  return json({ values, done: false });
};
