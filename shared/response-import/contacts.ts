/**
 * Imported answers on their contacts, before any answer is written: the imported waves each contact answered
 * in (what erasure walks) and their latest answer as when they were last surveyed (what the fatigue rule
 * reads). An erased contact is never touched and its rows are not imported.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SurveyKind } from '#shared/core/survey.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { contactKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { AnswerTimes } from './check.ts';
import { importWaveId } from './items.ts';

export interface ContactImport {
  waves: Set<string>;
  /** ISO 8601. */
  latest: string;
}

/** Per contact: every imported wave it answered in (one per month and answer number) and its latest answer. Pure. */
export const contactsOfImport = (kind: SurveyKind, times: AnswerTimes): Map<string, ContactImport> => {
  const contacts = new Map<string, ContactImport>();
  for (const [key, known] of times) {
    const [contactId, month] = key.split('|') as [string, string];
    const answers = typeof known === 'number' ? [known] : known;
    const entry = contacts.get(contactId) ?? { waves: new Set<string>(), latest: '' };
    for (let ordinal = 1; ordinal <= answers.length; ordinal++)
      entry.waves.add(importWaveId(kind, month, ordinal));
    const latest = new Date(Math.max(...answers)).toISOString();
    if (latest > entry.latest) entry.latest = latest;
    contacts.set(contactId, entry);
  }
  return contacts;
};

/** Updates at a time: enough to keep DynamoDB busy, few enough for one HTTP agent. */
const CONCURRENCY = 16;

const record = async (store: TableStore, contactId: string, { waves, latest }: ContactImport) => {
  const update = (withLatest: boolean) =>
    store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: contactKey(contactId),
        UpdateExpression: `SET contactId = :id${withLatest ? ', lastSurveyedAt = :at' : ''} ADD waves :w`,
        ConditionExpression: withLatest
          ? 'attribute_not_exists(erasedAt) AND (attribute_not_exists(lastSurveyedAt) OR lastSurveyedAt < :at)'
          : 'attribute_not_exists(erasedAt)',
        ExpressionAttributeValues: {
          ':id': contactId,
          ':w': waves,
          ...(withLatest ? { ':at': latest } : {}),
        },
      }),
    );
  try {
    await update(true);
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  try {
    // Surveyed more recently than this history: keep that date, record the waves only.
    await update(false);
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return false;
  }
};

/** Records the import on every contact; returns the contacts that are erased (and so not imported). */
export const recordOnContacts = async (
  store: TableStore,
  contacts: ReadonlyMap<string, ContactImport>,
  onProgress?: (done: number) => void,
): Promise<Set<string>> => {
  const erased = new Set<string>();
  const queue = [...contacts];
  let done = 0;
  const worker = async () => {
    for (let next = queue.pop(); next; next = queue.pop()) {
      if (!(await record(store, next[0], next[1]))) erased.add(next[0]);
      if (++done % 500 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return erased;
};
