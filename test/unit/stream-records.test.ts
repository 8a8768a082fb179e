import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { toChange } from '#functions/commons/stream-records.ts';
import { toLambdaRecord } from '#infra/local/streams.ts';

describe('decoding stream records', () => {
  it('reads an empty map that DynamoDB Local streams without its type as an empty map', () => {
    // The local poller repairs what DynamoDB Local streams before the handler sees it; AWS never sends it.
    const fromLocal = (record: object) => toLambdaRecord(record as _Record, 'arn:local');
    const change = toChange(
      fromLocal({
        eventName: 'MODIFY',
        dynamodb: {
          SequenceNumber: '100',
          Keys: { pk: { S: 'WAVE#1' }, sk: { S: 'RESP#c' } },
          NewImage: { pk: { S: 'WAVE#1' }, sk: { S: 'RESP#c' }, props: {} as never, score: { N: '9' } },
        },
      }),
    );
    expect(change?.newImage).toEqual({ pk: 'WAVE#1', sk: 'RESP#c', props: {}, score: 9 });
  });

  it('recognises a TTL expiry by the DynamoDB service identity', () => {
    const change = toChange({
      eventName: 'REMOVE',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: { SequenceNumber: '101', Keys: { pk: { S: 'WAVE#1' }, sk: { S: 'RESP#c' } } },
    });
    expect(change?.expired).toBe(true);
  });
});
