/**
 * Erasing a person (`nps contact erase`). Every item kind of the personal-data map is found for them,
 * whatever the state of its wave (importing, scheduled, sending, sent, cancelled), and removed, redacted or
 * kept as the map says. Only the tombstone stays, keyed by the one-way hash of the address: it stops senders
 * and imports from ever storing or mailing them again. Their deleted response and recipient items reach the
 * aggregator as removals, which it subtracts, so the counters still equal a recount. An erasure notice,
 * written last, reaches the bus through the stream as ContactErased (the contact id only), so consumers
 * delete their copies.
 * 1. Tombstone first: no sender mails them from here on. 2. Walk the map. 3. Sweep the waves again for a
 * recipient or response a send or an answer in flight wrote meanwhile. 4. Tombstone again (a send in flight
 * may have stamped the address on the contact), then the notice.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { contactFromItem } from '#shared/contacts/contact-item.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { type ItemKind, PERSONAL_DATA } from '#shared/privacy/personal-data.ts';
import { ifFound } from '#shared/store/item.ts';
import { contactKey, erasureNoticeKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { allWaveIds } from '#shared/waves/wave-index.ts';
import { contactIdOf, normaliseEmail } from '../core/identity.ts';
import {
  deleteRecipient,
  deleteResponse,
  ERASERS,
  type ErasureScope,
  type Located,
  locateIn,
  putTombstone,
} from './erasers.ts';

/** How long the erasure notice stays: the stream keeps a change 24 hours, then it is of no use. */
const NOTICE_TTL_SECONDS = 86_400;

export interface ErasureResult {
  contactId: string;
  /** Waves that held a recipient or response item of theirs. */
  waves: number;
  /** Items removed (or, for the activity log, redacted), per kind of the personal-data map. */
  removed: Partial<Record<ItemKind, number>>;
  /** Stored items among `removed` (a feedback index entry goes with its response, so is not one). */
  removedItems: number;
}

export const eraseContact = async (
  store: TableStore,
  rawAddress: string,
  now: Date,
): Promise<ErasureResult> => {
  const email = normaliseEmail(rawAddress);
  if (!email)
    throw new ValidationError(`"${rawAddress.slice(0, 100)}" is not a valid email address`, {
      field: 'address',
    });
  const contactId = contactIdOf(email);
  const existing = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: contactKey(contactId), ConsistentRead: true }),
  );
  // Erasing again keeps the first erasure's time, so its notice (and event id) stay the same.
  const erasedAt = ifFound(existing.Item, contactFromItem)?.erasedAt ?? now.toISOString();
  const removed: Partial<Record<ItemKind, number>> = {};
  const count = (kind: ItemKind, n: number) => {
    if (PERSONAL_DATA[kind].erasure !== 'keep') removed[kind] = (removed[kind] ?? 0) + n;
  };

  // 1.
  count('contact', await putTombstone({ store, contactId, erasedAt }));
  // 2.
  const waveIds = await allWaveIds(store);
  let located: Promise<Located> | undefined;
  const scope: ErasureScope = {
    store,
    email,
    contactId,
    erasedAt,
    waveIds,
    locate: () => {
      located ??= locateIn(store, contactId, waveIds);
      return located;
    },
  };
  for (const kind of Object.keys(PERSONAL_DATA) as ItemKind[]) {
    if (kind === 'contact') continue; // step 1
    count(kind, await ERASERS[kind](scope));
  }
  const first = await scope.locate();
  // 3.
  const late = await locateIn(store, contactId, waveIds);
  for (const waveId of late.recipients) count('recipient', await deleteRecipient(store, waveId, contactId));
  for (const r of late.responses) {
    count('response', await deleteResponse(store, r.waveId, contactId));
    if (r.inFeedback) count('feedbackEntry', 1);
  }
  // 4.
  await putTombstone({ store, contactId, erasedAt });
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: {
        ...erasureNoticeKey(contactId),
        contactId,
        erasedAt,
        expiresAt: Math.floor(now.getTime() / 1000) + NOTICE_TTL_SECONDS,
      },
    }),
  );
  const waves = new Set([
    ...first.recipients,
    ...first.responses.map((r) => r.waveId),
    ...late.recipients,
    ...late.responses.map((r) => r.waveId),
  ]).size;
  const removedItems = Object.entries(removed)
    .filter(([kind]) => kind !== 'feedbackEntry')
    .reduce((sum, [, n]) => sum + n, 0);
  return { contactId, waves, removed, removedItems };
};

/** How each kind of item is named when an erasure is reported, one and many. */
const KIND_WORDS: Readonly<Record<ItemKind, readonly [string, string]>> = {
  contact: ['contact record (now the tombstone)', 'contact records'],
  recipient: ['recipient', 'recipients'],
  response: ['response', 'responses'],
  feedbackEntry: ['feedback entry', 'feedback entries'],
  linkBudget: ['link counter', 'link counters'],
  reader: ['digest subscription', 'digest subscriptions'],
  digestLedger: ['digest ledger entry', 'digest ledger entries'],
  activity: ['activity entry', 'activity entries'],
  appliedMarker: ['applied marker', 'applied markers'],
  laneLock: ['batch lock', 'batch locks'],
  surveyedMark: ['fatigue mark', 'fatigue marks'],
  alertClaim: ['alert claim', 'alert claims'],
  webhookDelivery: ['webhook delivery record', 'webhook delivery records'],
  erasureNotice: ['erasure notice', 'erasure notices'],
  localEventLog: ['local event log line', 'local event log lines'],
};

/** One line saying what an erasure removed, per kind, for the CLI and the console. */
export const describeErasure = (address: string, result: ErasureResult): string => {
  const phrase = (kind: ItemKind, n: number) => `${n} ${KIND_WORDS[kind][n === 1 ? 0 : 1]}`;
  const found = (Object.entries(result.removed) as [ItemKind, number][]).filter(([, n]) => n > 0);
  const removed = found
    .filter(([kind]) => PERSONAL_DATA[kind].erasure !== 'redact')
    .map(([k, n]) => phrase(k, n));
  const redacted = found
    .filter(([kind]) => PERSONAL_DATA[kind].erasure === 'redact')
    .map(([k, n]) => phrase(k, n));
  const what = [
    removed.length ? `removed ${removed.join(', ')}` : 'nothing of theirs was stored',
    ...(redacted.length ? [`redacted ${redacted.join(', ')}`] : []),
  ].join('; ');
  const waves = result.waves ? ` (found in ${result.waves} ${result.waves === 1 ? 'wave' : 'waves'})` : '';
  return `Erased ${address}${waves}: ${what}; only a hashed tombstone stays, so they are never surveyed or imported again`;
};
