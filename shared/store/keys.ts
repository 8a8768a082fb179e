/**
 * Key builders of the single-table design, one group per entity. Pure; every read and write goes
 * through these so an item's shape is defined in one place.
 *
 *   Wave       WAVE#id        META
 *   Recipient  WAVE#id        RCPT#contactId
 *   Response   WAVE#id        RESP#contactId
 *   Applied    WAVE#id        APPLIED#RESP#contactId   (aggregator's idempotency marker)
 *   Contact    CONTACT#id     META
 *   Aggregate  AGG#kind#scope ALL | DAY#yyyy-mm-dd
 *   Reader     DIGEST         READER#address
 *   Digest sent DIGEST#since#until  READER#address  (the scheduled digest of a period went to a reader, TTL)
 *   Rate       RATE#wave#contact  MIN#epochMinute  (per-link request counter, TTL)
 *   Send rate  SENDRATE#ses   SEC#epochSecond  (emails sent account-wide in that second, shared by senders, TTL)
 *   GSI1: due waves (DUE / sendAt#id) and feedback by day (FEEDBACK#day / at#wave#contact)
 */

export const waveKey = (waveId: string) => ({ pk: `WAVE#${waveId}`, sk: 'META' });
export const recipientKey = (waveId: string, contactId: string) => ({
  pk: `WAVE#${waveId}`,
  sk: `RCPT#${contactId}`,
});
export const responseKey = (waveId: string, contactId: string) => ({
  pk: `WAVE#${waveId}`,
  sk: `RESP#${contactId}`,
});
export const appliedKey = (pk: string, sk: string) => ({ pk, sk: `APPLIED#${sk}` });
export const contactKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'META' });
export const linkRateKey = (waveId: string, contactId: string, epochMinute: number) => ({
  pk: `RATE#${waveId}#${contactId}`,
  sk: `MIN#${epochMinute}`,
});
export const sendRateKey = (epochSecond: number) => ({ pk: 'SENDRATE#ses', sk: `SEC#${epochSecond}` });
export const readerKey = (address: string) => ({ pk: 'DIGEST', sk: `READER#${address}` });
export const digestSentKey = (since: string, until: string, address: string) => ({
  pk: `DIGEST#${since}#${until}`,
  sk: `READER#${address}`,
});
export const aggregateKey = (kind: string, scope: string, period: string) => ({
  pk: `AGG#${kind}#${scope}`,
  sk: period,
});

export const RECIPIENT_PREFIX = 'RCPT#';
export const RESPONSE_PREFIX = 'RESP#';
export const READER_PREFIX = 'READER#';
export const DUE_PARTITION = 'DUE';
export const dueSortKey = (sendAt: string, waveId: string) => `${sendAt}#${waveId}`;
export const feedbackPartition = (day: string) => `FEEDBACK#${day}`;

export const ALL_TIME = 'ALL';
export const dayPeriod = (day: string) => `DAY#${day}`;
/** The segment catalogue of a kind: which `column#value` pairs have aggregates. */
export const SEGMENTS_PERIOD = 'SEGMENTS';
