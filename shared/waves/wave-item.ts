/**
 * The wave entity as stored, `WAVE#id / META`: its key, the item a wave is written as, and the validating read
 * of one. Indexes: gsi1 while due (`DUE`, then `REMIND` for its reminders) and the waves index (its `type`).
 */
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import { defined, type Item, itemReader, storedLocale } from '#shared/store/item.ts';
import { WAVE_TYPE, waveKey } from '#shared/store/keys.ts';
import type { Wave, WaveStatus } from './model.ts';

export const WAVE_STATUSES: readonly WaveStatus[] = [
  'importing',
  'scheduled',
  'sending',
  'sent',
  'cancelled',
  'imported',
];

export { GSI1, WAVES_INDEX, waveKey } from '#shared/store/keys.ts';

/** The item a new wave is put as: its key and its `type`, which puts it in the waves index. */
export const waveToItem = (wave: Wave) => ({ ...waveKey(wave.id), type: WAVE_TYPE, ...wave });

/**
 * A stored wave, checked field by field; throws MalformedItemError on a malformed one. The item's other
 * attributes (its keys, index keys, copy and retention progress) are kept as they are.
 */
export const waveFromItem = (item: Item): Wave => {
  const r = itemReader('wave', item);
  return {
    ...item,
    ...defined({
      id: r.string('id'),
      name: r.string('name'),
      kind: r.oneOf('kind', SURVEY_KINDS),
      locale: storedLocale(r),
      product: r.string('product'),
      sendAt: r.string('sendAt'),
      every: r.optionalString('every'),
      spreadDays: r.optionalNumber('spreadDays'),
      dispatched: r.optionalNumber('dispatched'),
      parentId: r.optionalString('parentId'),
      occurrence: r.optionalInteger('occurrence'),
      status: r.oneOf('status', WAVE_STATUSES),
      recipients: r.integer('recipients'),
      skipped: r.numberMap('skipped'),
      createdAt: r.string('createdAt'),
      valueColumn: r.optionalString('valueColumn'),
      alertTo: r.optionalString('alertTo'),
      fromName: r.optionalString('fromName'),
      replyTo: r.optionalString('replyTo'),
      remindAfterSeconds: r.optionalNumber('remindAfterSeconds'),
      remindAt: r.optionalString('remindAt'),
      remindedAt: r.optionalString('remindedAt'),
      lanes: r.optionalInteger('lanes'),
      heartbeatAt: r.optionalString('heartbeatAt'),
    }),
  };
};
