/**
 * The leadership digest: the period's NPS with its margin, the change against the previous period and
 * whether it is significant, the distribution, segments (hidden below a minimum n), response rate,
 * quarantined clicks, and the comments that matter. Reads aggregates and the day-indexed feedback only.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { readCounts } from '#shared/aggregation/aggregates.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { normaliseEmail } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { compareMeans, compareNps, compareShares, meanMargin, shareMargin } from '#shared/core/stats.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { addDays, dayIn, daysBetween } from '#shared/core/time.ts';
import { digestSentKey, feedbackPartition, READER_PREFIX, readerKey } from '#shared/store/keys.ts';
import { type DigestView, digestEmail, type Locale, type OtherSurvey } from '#templates/index.ts';
import { type DayRange, figuresOf, segmentFigures } from './report.ts';

export interface DigestDeps {
  ddb: DynamoDBDocumentClient;
  ses: SESv2Client;
  table: string;
  fromAddress: string;
  configurationSet: string | undefined;
  timeZone: string;
  minSegmentResponses: number;
  title: string;
}

const MAX_COMMENTS = 20;

/** The period of `days` days that ends with today (in the digest's time zone), and the one before it. */
export const digestPeriods = (
  now: Date,
  timeZone: string,
  days: number,
): { current: DayRange; previous: DayRange } => {
  const until = addDays(dayIn(timeZone, now), 1);
  const since = addDays(until, -days);
  return { current: { since, until }, previous: { since: addDays(since, -days), until: since } };
};

export const buildDigestView = async (
  deps: DigestDeps,
  options: { now: Date; days: number; locale: Locale },
): Promise<DigestView> => {
  const kind = 'nps' as const;
  const { current, previous } = digestPeriods(options.now, deps.timeZone, options.days);
  const [now, before, segments, feedback, otherSurveys] = await Promise.all([
    readCounts(deps, kind, 'all', current),
    readCounts(deps, kind, 'all', previous),
    segmentFigures(deps, kind, undefined, current),
    readFeedback(deps, kind, current),
    otherSurveysOf(deps, current, previous),
  ]);
  const figures = figuresOf(kind, now);
  const change = compareNps(figures, figuresOf(kind, before));
  return {
    locale: options.locale,
    title: deps.title,
    periodStart: current.since,
    periodEnd: current.until ?? current.since,
    responses: figures.responses,
    nps: figures.nps,
    marginOfError: figures.marginOfError === null ? null : Math.round(figures.marginOfError),
    change: change ? { delta: Math.round(change.delta), significant: change.significant } : null,
    histogram: figures.histogram,
    responseRate: figures.responseRate,
    segments: segments.map((s) => ({
      column: s.column,
      value: s.value,
      responses: s.responses,
      nps: s.responses >= deps.minSegmentResponses ? s.nps : null,
    })),
    minSegmentResponses: deps.minSegmentResponses,
    detractorComments: feedback
      .filter(isDetractorComment)
      .slice(0, MAX_COMMENTS)
      .map((r) => ({
        score: r.score ?? 0,
        text: [r.answers?.reason, r.answers?.improve].filter(Boolean).join(' — '),
      })),
    promoterReferrals: feedback
      .filter(isReferral)
      .slice(0, MAX_COMMENTS)
      .map((r) => ({ score: r.score ?? 0, text: r.answers?.referral ?? '' })),
    quarantined: now.quarantined,
    otherSurveys,
  };
};

/** CSAT (share satisfied) and CES (mean effort) of the period, with their margins and changes. */
const otherSurveysOf = async (
  deps: DigestDeps,
  current: DayRange,
  previous: DayRange,
): Promise<OtherSurvey[]> => {
  const kinds = ['csat', 'ces'] as const;
  const found = await Promise.all(
    kinds.map(async (kind): Promise<OtherSurvey | undefined> => {
      const [now, before] = await Promise.all([
        readCounts(deps, kind, 'all', current),
        readCounts(deps, kind, 'all', previous),
      ]);
      const figures = figuresOf(kind, now);
      if (figures.responses === 0) return undefined;
      const earlier = figuresOf(kind, before);
      const csat = kind === 'csat';
      const change = csat ? compareShares(figures, earlier) : compareMeans(kind, figures, earlier);
      return {
        kind,
        responses: figures.responses,
        value: (csat ? figures.satisfied : figures.mean) ?? 0,
        margin: csat ? shareMargin(figures) : meanMargin(kind, figures),
        change: change ? { delta: change.delta, significant: change.significant } : null,
      };
    }),
  );
  return found.filter((o): o is OtherSurvey => o !== undefined);
};

const isDetractorComment = (r: ResponseItem) =>
  r.category === 'detractor' && Boolean(r.answers?.reason || r.answers?.improve);
const isReferral = (r: ResponseItem) => r.category === 'promoter' && Boolean(r.answers?.referral);

/**
 * Responses of one survey kind with written answers in the period, newest first, from the feedback index:
 * day by day from the newest, a page at a time, stopping once the digest has all it shows. So a busy week
 * costs no more reads than a quiet one.
 */
const readFeedback = async (deps: DigestDeps, kind: SurveyKind, range: DayRange): Promise<ResponseItem[]> => {
  const found: ResponseItem[] = [];
  const enough = () =>
    found.filter(isDetractorComment).length >= MAX_COMMENTS &&
    found.filter(isReferral).length >= MAX_COMMENTS;
  for (const day of daysBetween(range.since, range.until ?? range.since).reverse()) {
    const pages = paginateQuery(
      { client: deps.ddb, pageSize: 100 },
      {
        TableName: deps.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :day',
        ExpressionAttributeValues: { ':day': feedbackPartition(day) },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      found.push(
        ...((page.Items ?? []) as ResponseItem[]).filter((r) => r.status === 'committed' && r.kind === kind),
      );
      if (enough()) return found;
    }
  }
  return found;
};

export interface Reader {
  address: string;
  locale: Locale;
}

export const listReaders = async (ddb: DynamoDBDocumentClient, table: string): Promise<Reader[]> => {
  const readers: Reader[] = [];
  const pages = paginateQuery(
    { client: ddb },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :reader)',
      ExpressionAttributeValues: { ':pk': readerKey('').pk, ':reader': READER_PREFIX },
    },
  );
  for await (const page of pages) {
    readers.push(
      ...(page.Items ?? []).map((i) => ({ address: i.address as string, locale: i.locale as Locale })),
    );
  }
  return readers;
};

const readerAddress = (raw: string): string => {
  const address = normaliseEmail(raw);
  if (!address)
    throw new ValidationError(`"${raw.slice(0, 100)}" is not a valid email address`, { field: 'address' });
  return address;
};

export const subscribeReader = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  raw: string,
  locale: Locale,
) => {
  const address = readerAddress(raw);
  await ddb.send(new PutCommand({ TableName: table, Item: { ...readerKey(address), address, locale } }));
  return { address, locale };
};

export const unsubscribeReader = async (ddb: DynamoDBDocumentClient, table: string, raw: string) => {
  const address = readerAddress(raw);
  const out = await ddb.send(
    new DeleteCommand({ TableName: table, Key: readerKey(address), ReturnValues: 'ALL_OLD' }),
  );
  return { address, removed: Boolean(out.Attributes) };
};

export interface DigestSent {
  period: DayRange;
  recipients: string[];
  /** Readers the scheduled digest of this period had already gone to (a retried run skips them). */
  alreadySent: string[];
  views: DigestView[];
}

/** A claim on a reader's scheduled digest older than this belongs to a run that died before sending. */
const DIGEST_CLAIM_LEASE_MS = 5 * 60_000;

/**
 * Which readers the scheduled digest of one period reached. Lambda retries a failed scheduled run; a claim
 * per reader before sending keeps the readers it reached from getting a second copy.
 */
const periodLedger = (deps: DigestDeps, period: DayRange, now: Date) => {
  const key = (address: string) => digestSentKey(period.since, period.until ?? period.since, address);
  return {
    /** False when the reader's digest already went out (or another run is sending it right now). */
    async claim(address: string): Promise<boolean> {
      try {
        await deps.ddb.send(
          new PutCommand({
            TableName: deps.table,
            Item: {
              ...key(address),
              status: 'sending',
              claimedAt: now.toISOString(),
              expiresAt: Math.floor(now.getTime() / 1000) + 60 * 86_400,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR (#s = :sending AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':stale': new Date(now.getTime() - DIGEST_CLAIM_LEASE_MS).toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    async sent(address: string): Promise<void> {
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.table,
          Key: key(address),
          UpdateExpression: 'SET #s = :sent, sentAt = :now',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':now': new Date().toISOString() },
        }),
      );
    },
    /** SES refused the call, so nothing went out: hand the reader back to the next attempt. */
    async release(address: string): Promise<void> {
      await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: key(address) }));
    },
  };
};

/**
 * Builds one digest per reader language and sends it. Without readers nothing is sent. `oncePerPeriod`
 * (the schedule) sends each reader a period's digest at most once, however often the run is retried;
 * `nps digest send` leaves it off and sends when asked.
 */
export const sendDigest = async (
  deps: DigestDeps,
  options: { now: Date; days: number; to?: Reader[]; oncePerPeriod?: boolean },
): Promise<DigestSent> => {
  const period = digestPeriods(options.now, deps.timeZone, options.days).current;
  const readers = options.to ?? (await listReaders(deps.ddb, deps.table));
  const byLocale = new Map<Locale, string[]>();
  for (const r of readers)
    byLocale.set(r.locale, [...(byLocale.get(r.locale) ?? []), readerAddress(r.address)]);
  const views: DigestView[] = [];
  const recipients: string[] = [];
  const alreadySent: string[] = [];
  const ledger = options.oncePerPeriod ? periodLedger(deps, period, options.now) : undefined;
  for (const [locale, addresses] of byLocale) {
    const view = await buildDigestView(deps, { now: options.now, days: options.days, locale });
    views.push(view);
    const email = digestEmail(view);
    for (const address of addresses) {
      if (ledger && !(await ledger.claim(address))) {
        alreadySent.push(address);
        continue;
      }
      try {
        await deps.ses.send(
          new SendEmailCommand({
            FromEmailAddress: deps.fromAddress,
            ConfigurationSetName: deps.configurationSet,
            Destination: { ToAddresses: [address] },
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: {
                  Html: { Data: email.html, Charset: 'UTF-8' },
                  Text: { Data: email.text, Charset: 'UTF-8' },
                },
              },
            },
          }),
        );
      } catch (error) {
        await ledger?.release(address);
        throw error;
      }
      await ledger?.sent(address);
      recipients.push(address);
    }
  }
  return { period, recipients, alreadySent, views };
};
