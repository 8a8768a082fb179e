/**
 * The leadership digest's content: the period's NPS with its margin, the change against the previous period
 * and whether it is significant, the distribution, segments (hidden below a minimum n), response rate,
 * quarantined clicks, and the comments that matter. Reads aggregates and the day-indexed feedback only, once
 * per period: the figures hold no language, and each reader language only renders them.
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { readCounts } from '#shared/aggregation/counts.ts';
import { responseFromItem } from '#shared/answering/response-item.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import type { Locale } from '#shared/core/locale.ts';
import { compareMeans, compareNps, compareShares, meanMargin, shareMargin } from '#shared/core/stats.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { daysBetween } from '#shared/core/time.ts';
import { readDigestInsights } from '#shared/insights/digest.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import { ALL_SCOPE, feedbackPartition, GSI1, waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { DigestComment, DigestView, OtherSurvey } from '#templates/index.ts';
import { type DayRange, type DigestWindow, digestPeriods } from '../core/period.ts';
import { figuresOf, segmentFigures } from './report.ts';

/** Where the digest's figures come from and how they are shown, whatever the reader's language. */
export interface DigestSource extends TableStore {
  timeZone: string;
  minSegmentResponses: number;
  title: string;
}

/** One period's digest before it is put in a reader's language. */
export type DigestFigures = Omit<DigestView, 'locale'>;

const MAX_COMMENTS = 20;

/** Reads the digest of the `days` days that end today (in the digest's time zone). */
export const readDigestFigures = async (
  source: DigestSource,
  options: { now: Date } & DigestWindow,
): Promise<DigestFigures> => {
  const kind = 'nps' as const;
  const { current, previous } = digestPeriods(options.now, source.timeZone, options);
  const [now, before, segments, feedback, otherSurveys] = await Promise.all([
    readCounts(source, kind, ALL_SCOPE, current),
    readCounts(source, kind, ALL_SCOPE, previous),
    segmentFigures(source, kind, undefined, current),
    readFeedback(source, kind, current),
    otherSurveysOf(source, current, previous),
  ]);
  const figures = figuresOf(kind, now);
  const change = compareNps(figures, figuresOf(kind, before));
  const detractors = feedback.filter(isDetractorComment).slice(0, MAX_COMMENTS);
  const referrals = feedback.filter(isReferral).slice(0, MAX_COMMENTS);
  const waveNames = await readWaveNames(source, [...detractors, ...referrals]);
  const insights = await readDigestInsights(source, {
    period: current,
    overall: now,
    segments,
    minResponses: source.minSegmentResponses,
  });
  return {
    title: source.title,
    periodStart: current.since,
    periodEnd: current.until,
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
      nps: s.responses >= source.minSegmentResponses ? s.nps : null,
    })),
    minSegmentResponses: source.minSegmentResponses,
    detractorComments: detractors.map((r) => ({
      ...commentOrigin(r, waveNames),
      text: [r.answers?.reason, r.answers?.improve].filter(Boolean).join(' — '),
    })),
    promoterReferrals: referrals.map((r) => ({
      ...commentOrigin(r, waveNames),
      text: r.answers?.referral ?? '',
      consent: r.answers?.referralConsent === true,
    })),
    quarantined: now.quarantined,
    otherSurveys,
    ...insights,
  };
};

/** The period's digest for a reader of `locale`. */
export const digestViewIn = (figures: DigestFigures, locale: Locale): DigestView => ({ locale, ...figures });

/** Reads the period's figures and puts them in one language (a preview; `sendDigest` reads once for all). */
export const buildDigestView = async (
  source: DigestSource,
  options: { now: Date; locale: Locale } & DigestWindow,
): Promise<DigestView> => digestViewIn(await readDigestFigures(source, options), options.locale);

/** CSAT (share satisfied) and CES (mean effort) of the period, with their margins and changes. */
export const otherSurveysOf = async (
  store: TableStore,
  current: DayRange,
  previous: DayRange,
): Promise<OtherSurvey[]> => {
  const kinds = ['csat', 'ces'] as const;
  const found = await Promise.all(
    kinds.map(async (kind): Promise<OtherSurvey | undefined> => {
      const [now, before] = await Promise.all([
        readCounts(store, kind, ALL_SCOPE, current),
        readCounts(store, kind, ALL_SCOPE, previous),
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

/** Where a comment came from: its score, language, wave and segment properties. Pure. */
const commentOrigin = (
  r: ResponseItem,
  waveNames: ReadonlyMap<string, string>,
): Omit<DigestComment, 'text'> => {
  const wave = waveNames.get(r.waveId);
  const segment = Object.entries(r.props ?? {})
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([column, value]) => `${column}: ${value}`);
  return {
    score: r.score ?? 0,
    locale: r.locale,
    ...(wave ? { wave } : {}),
    ...(segment.length > 0 ? { segment } : {}),
  };
};

/** The names of the waves the shown comments came from: one batch read. */
const readWaveNames = async (
  store: TableStore,
  responses: readonly ResponseItem[],
): Promise<Map<string, string>> => {
  const ids = [...new Set(responses.map((r) => r.waveId))];
  if (ids.length === 0) return new Map();
  const items = await batchGetAll(
    store.ddb,
    store.table,
    ids.map((id) => waveKey(id)),
  );
  return new Map(
    items
      .filter((i) => typeof i.id === 'string' && typeof i.name === 'string')
      .map((i) => [i.id as string, i.name as string]),
  );
};

const isDetractorComment = (r: ResponseItem) =>
  r.category === 'detractor' && Boolean(r.answers?.reason || r.answers?.improve);
const isReferral = (r: ResponseItem) => r.category === 'promoter' && Boolean(r.answers?.referral);

/**
 * Responses of one survey kind with written answers in the period, newest first, from the feedback index:
 * day by day from the newest, a page at a time, stopping once the digest has all it shows. So a busy week
 * costs no more reads than a quiet one.
 */
const readFeedback = async (
  store: TableStore,
  kind: SurveyKind,
  range: DayRange,
): Promise<ResponseItem[]> => {
  const found: ResponseItem[] = [];
  const enough = () =>
    found.filter(isDetractorComment).length >= MAX_COMMENTS &&
    found.filter(isReferral).length >= MAX_COMMENTS;
  for (const day of daysBetween(range.since, range.until ?? range.since).reverse()) {
    const pages = paginateQuery(
      { client: store.ddb, pageSize: 100 },
      {
        TableName: store.table,
        IndexName: GSI1.name,
        KeyConditionExpression: 'gsi1pk = :day',
        ExpressionAttributeValues: { ':day': feedbackPartition(day) },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      found.push(
        ...(page.Items ?? [])
          .map(responseFromItem)
          .filter((r) => r.status === 'committed' && r.kind === kind),
      );
      if (enough()) return found;
    }
  }
  return found;
};
