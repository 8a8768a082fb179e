/**
 * The written answers (comments) of a period, newest first, filtered, a page at a time: what the console's
 * Responses page lists and exports. Read from the feedback-by-day index (gsi1 `FEEDBACK#day`), day by day
 * from the newest, never a scan. A page of a narrow filter reads a bounded number of items and says how far
 * back it searched; the next page goes on from there.
 */
import { type NativeAttributeValue, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { responseFromItem } from '#shared/answering/response-item.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { ValidationError } from '#shared/core/errors.ts';
import type { Locale } from '#shared/core/locale.ts';
import { type Category, SURVEY_KINDS, type SurveyKind } from '#shared/core/survey.ts';
import { addDays } from '#shared/core/time.ts';
import { ALL_SCOPE, ALL_TIME, aggregateKey, dayPeriod, feedbackPartition, GSI1 } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { DayRange } from '../core/period.ts';

export interface FeedbackFilter {
  kind?: SurveyKind;
  category?: Category;
  waveId?: string;
  segment?: { column: string; value: string };
  locale?: Locale;
  /** Found in any answer, whatever the case. */
  text?: string;
}

export interface FeedbackQuery extends FeedbackFilter {
  range: Required<DayRange>;
}

/** One response with written answers, as listed and exported (no contact id, address or name). */
export interface FeedbackComment {
  waveId: string;
  kind: SurveyKind;
  score: number;
  category: Category;
  locale: Locale;
  props: Record<string, string>;
  respondedAt: string;
  reason?: string;
  improve?: string;
  referral?: string;
}

/** Where reading stopped: the day, and within it the last item read (absent: the day is still unread). */
interface Position {
  day: string;
  after?: Record<string, string>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Items a page may read before it stops short and says how far it searched. */
const PAGE_READ_BUDGET = 5_000;
const QUERY_PAGE_SIZE = 200;
/** Days whose first page is read at once. */
const DAYS_AHEAD = 7;

const answersOf = (item: ResponseItem) => ({
  reason: item.answers?.reason,
  improve: item.answers?.improve,
  referral: item.answers?.referral,
});

const folded = (text: string): string => text.normalize('NFKC').toLowerCase();

/** Whether a committed response with written answers passes the filter. Pure. */
export const matchesFeedback = (filter: FeedbackFilter, item: ResponseItem): boolean => {
  if (item.status !== 'committed' || item.score === undefined || !item.category) return false;
  const texts = Object.values(answersOf(item)).filter((t): t is string => Boolean(t));
  if (texts.length === 0) return false;
  if (filter.kind && item.kind !== filter.kind) return false;
  if (filter.category && item.category !== filter.category) return false;
  if (filter.waveId && item.waveId !== filter.waveId) return false;
  if (filter.locale && item.locale !== filter.locale) return false;
  if (filter.segment && item.props?.[filter.segment.column] !== filter.segment.value) return false;
  const needle = filter.text?.trim();
  if (needle && !texts.some((t) => folded(t).includes(folded(needle)))) return false;
  return true;
};

/** The listed shape of a response. Pure. */
export const feedbackCommentOf = (item: ResponseItem): FeedbackComment => {
  const { reason, improve, referral } = answersOf(item);
  return {
    waveId: item.waveId,
    kind: item.kind,
    score: item.score ?? 0,
    category: item.category ?? 'passive',
    locale: item.locale,
    props: item.props ?? {},
    respondedAt: item.respondedAt ?? '',
    ...(reason ? { reason } : {}),
    ...(improve ? { improve } : {}),
    ...(referral ? { referral } : {}),
  };
};

export const encodePosition = (position: Position): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/** A position from a page link; a ValidationError for anything this module did not write. */
export const decodePosition = (token: string, range: Required<DayRange>): Position => {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw new ValidationError('Not a page of these comments', { field: 'after', cause: error });
  }
  const { day, after } = (value ?? {}) as { day?: unknown; after?: unknown };
  const names = ['gsi1pk', 'gsi1sk', 'pk', 'sk'];
  const key = after as Record<string, unknown> | undefined;
  const keyOk =
    key === undefined ||
    (typeof key === 'object' &&
      key !== null &&
      Object.keys(key).length === names.length &&
      names.every((n) => typeof key[n] === 'string' && (key[n] as string).length < 600) &&
      typeof day === 'string' &&
      key.gsi1pk === feedbackPartition(day));
  if (typeof day !== 'string' || !DAY.test(day) || day < range.since || day >= range.until || !keyOk)
    throw new ValidationError('Not a page of these comments', { field: 'after' });
  return { day, ...(after ? { after: after as Record<string, string> } : {}) };
};

interface Read {
  item: ResponseItem;
  /** The position just after this item. */
  position: Position;
}

const queryDay = (store: TableStore, day: string, start?: Record<string, NativeAttributeValue>) =>
  store.ddb.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: GSI1.name,
      KeyConditionExpression: 'gsi1pk = :day',
      ExpressionAttributeValues: { ':day': feedbackPartition(day) },
      ScanIndexForward: false,
      Limit: QUERY_PAGE_SIZE,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );

const keyOf = (item: ResponseItem, day: string): Record<string, string> => ({
  gsi1pk: item.gsi1pk ?? feedbackPartition(day),
  gsi1sk: item.gsi1sk ?? '',
  pk: item.pk,
  sk: item.sk,
});

/**
 * The days of the range with a day counter of these kinds, newest first. Only they can hold a counted
 * response and so a comment: a quiet stretch costs one query per kind, not one per day. (A comment committed
 * this very second shows once the aggregator has counted it, a moment later.)
 */
const countedDays = async (
  store: TableStore,
  kinds: readonly SurveyKind[],
  range: Required<DayRange>,
): Promise<string[]> => {
  const days = new Set<string>();
  const prefix = dayPeriod('');
  await Promise.all(
    kinds.map(async (kind) => {
      const pages = paginateQuery(
        { client: store.ddb },
        {
          TableName: store.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': aggregateKey(kind, ALL_SCOPE, ALL_TIME).pk,
            ':from': dayPeriod(range.since),
            ':to': dayPeriod(addDays(range.until, -1)),
          },
          ProjectionExpression: 'sk',
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) days.add(String(item.sk).slice(prefix.length));
    }),
  );
  return [...days].sort().reverse();
};

/** Every indexed response of the range from `from` on, newest first, each with the position after it. */
async function* newestFirst(store: TableStore, query: FeedbackQuery, from?: Position): AsyncGenerator<Read> {
  const days = (await countedDays(store, query.kind ? [query.kind] : SURVEY_KINDS, query.range)).filter(
    (day) => !from || day <= from.day,
  );
  for (let i = 0; i < days.length; i += DAYS_AHEAD) {
    const batch = days.slice(i, i + DAYS_AHEAD);
    const firsts = batch.map((day) => queryDay(store, day, day === from?.day ? from.after : undefined));
    // A reader that stops early leaves some of these unread; their failures must not go unhandled.
    for (const first of firsts) first.catch(() => undefined);
    for (const [j, day] of batch.entries()) {
      let out = await (firsts[j] as ReturnType<typeof queryDay>);
      for (;;) {
        for (const item of (out.Items ?? []).map(responseFromItem))
          yield { item, position: { day, after: keyOf(item, day) } };
        if (!out.LastEvaluatedKey) break;
        out = await queryDay(store, day, out.LastEvaluatedKey);
      }
    }
  }
}

export interface FeedbackPage {
  comments: FeedbackComment[];
  /** The next (older) page's `after`; absent when the range is exhausted. */
  next?: string;
  /** Set when the page stopped at its read budget before it was full: the day it searched back to. */
  searchedTo?: string;
}

/** One page of matching comments, newest first; `after` is the `next` of the page before. */
export const readFeedbackPage = async (
  store: TableStore,
  query: FeedbackQuery,
  options: { limit: number; after?: string; budget?: number },
): Promise<FeedbackPage> => {
  const from = options.after ? decodePosition(options.after, query.range) : undefined;
  const budget = options.budget ?? PAGE_READ_BUDGET;
  const limit = Math.max(1, Math.trunc(options.limit));
  const comments: FeedbackComment[] = [];
  let read = 0;
  let last: Position | undefined;
  for await (const { item, position } of newestFirst(store, query, from)) {
    if (matchesFeedback(query, item)) {
      // The first match past a full page: the next page starts just before it.
      if (comments.length === limit) return { comments, next: encodePosition(last as Position) };
      comments.push(feedbackCommentOf(item));
    }
    last = position;
    if (++read >= budget && comments.length < limit)
      return { comments, next: encodePosition(position), searchedTo: position.day };
  }
  return { comments };
};

/** Every matching comment of the range, newest first, read a page at a time (the CSV export). */
export async function* allFeedback(store: TableStore, query: FeedbackQuery): AsyncGenerator<FeedbackComment> {
  for await (const { item } of newestFirst(store, query))
    if (matchesFeedback(query, item)) yield feedbackCommentOf(item);
}
