/**
 * Every wave, from the waves index (keys only, one item per wave whatever its state): erasure looks in all of
 * them and retention in the old ones, and neither scans the table. The index is eventually consistent, so a
 * wave created this very second may be missing; erasure's tombstone, written first, keeps such a wave from
 * sending to the person.
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { WAVE_TYPE, WAVES_INDEX, waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

const WAVE_PK_PREFIX = waveKey('').pk;

/** Wave ids a page at a time, by send time; only those due to send before `sendBefore` when given. */
export async function* waveIdPages(
  store: TableStore,
  options: { sendBefore?: string } = {},
): AsyncGenerator<string[]> {
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      IndexName: WAVES_INDEX.name,
      KeyConditionExpression: options.sendBefore ? '#t = :wave AND #s < :before' : '#t = :wave',
      ExpressionAttributeNames: {
        '#t': WAVES_INDEX.partitionKey,
        ...(options.sendBefore ? { '#s': WAVES_INDEX.sortKey } : {}),
      },
      ExpressionAttributeValues: {
        ':wave': WAVE_TYPE,
        ...(options.sendBefore ? { ':before': options.sendBefore } : {}),
      },
    },
  );
  for await (const page of pages) {
    const ids = (page.Items ?? [])
      .map((item) => String(item.pk))
      .filter((pk) => pk.startsWith(WAVE_PK_PREFIX))
      .map((pk) => pk.slice(WAVE_PK_PREFIX.length));
    if (ids.length > 0) yield ids;
  }
}

/** Every wave id. */
export const allWaveIds = async (store: TableStore): Promise<string[]> => {
  const ids: string[] = [];
  for await (const page of waveIdPages(store)) ids.push(...page);
  return ids;
};
