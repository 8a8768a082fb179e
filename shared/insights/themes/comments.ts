/**
 * The written answers of a period, for themes: every counted response of one survey kind with a reason or
 * an improvement, newest first, from the day-indexed feedback index (never a scan of the responses).
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { responseFromItem } from '#shared/answering/response-item.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import type { DayRange } from '#shared/core/period.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { daysBetween } from '#shared/core/time.ts';
import { feedbackPartition, GSI1 } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { ThemedComment } from './report.ts';
import { THEME_LANGUAGES, type ThemeLanguage } from './text.ts';

/** What a response says about its score: the reason and the improvement, joined. Referrals are not themes. */
export const commentOf = (response: Pick<ResponseItem, 'answers'>): string =>
  [response.answers?.reason, response.answers?.improve].filter(Boolean).join(' — ');

const languageOf = (locale: unknown): ThemeLanguage | undefined =>
  (THEME_LANGUAGES as readonly unknown[]).includes(locale) ? (locale as ThemeLanguage) : undefined;

export const readComments = async (
  store: TableStore,
  kind: SurveyKind,
  range: Required<DayRange>,
): Promise<ThemedComment[]> => {
  const found: ThemedComment[] = [];
  for (const day of daysBetween(range.since, range.until).reverse()) {
    const pages = paginateQuery(
      { client: store.ddb, pageSize: 500 },
      {
        TableName: store.table,
        IndexName: GSI1.name,
        KeyConditionExpression: 'gsi1pk = :day',
        ExpressionAttributeValues: { ':day': feedbackPartition(day) },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      for (const item of (page.Items ?? []).map(responseFromItem)) {
        const text = commentOf(item);
        if (item.status !== 'committed' || item.kind !== kind || !text || !item.category) continue;
        const language = languageOf(item.locale);
        found.push({ text, category: item.category, ...(language ? { language } : {}) });
      }
    }
  }
  return found;
};
