/** The waves due now, read from the due-wave index (status + send time), every page, never a scan. */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { DUE_PARTITION, dueSortKey, GSI1 } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Wave } from '#shared/waves/model.ts';
import { waveFromItem } from '#shared/waves/wave-item.ts';

export const dueWaves = async (store: TableStore, now: Date): Promise<Wave[]> => {
  const waves: Wave[] = [];
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      IndexName: GSI1.name,
      KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
      // `~` sorts after every id character: every wave whose send time is `now` or earlier.
      ExpressionAttributeValues: { ':due': DUE_PARTITION, ':now': dueSortKey(now.toISOString(), '~') },
    },
  );
  for await (const page of pages) waves.push(...(page.Items ?? []).map(waveFromItem));
  return waves;
};
