/**
 * A segment's NPS is shown from exactly the minimum n on: three segment values with min − 1, min and min + 1
 * responses, counted by the real aggregator from DynamoDB Local's stream, read by the digest, the console's
 * dashboard and the wave page's segments. The first is withheld; the other two are shown.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { getRecipient } from '#shared/answering/link-items.ts';
import { applyCommit, updateResponse } from '#shared/answering/responses.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { addDays, dayIn } from '#shared/core/time.ts';
import { readDashboard } from '#shared/reporting/dashboard.ts';
import { readDigestFigures } from '#shared/reporting/digest.ts';
import { createWave } from '#shared/waves/create.ts';
import { waveSegments } from '#shared/waves/status.ts';
import { pollStream, useLocalStack } from '../support/stack.ts';

const MIN = 3;
const TIME_ZONE = 'Europe/Amsterdam';
/** Segment value → responses: one below the minimum, at it, one above. */
const SIZES = { below: MIN - 1, at: MIN, above: MIN + 1 } as const;

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let poller: StreamPoller;
let waveId: string;
const now = new Date();
const today = dayIn(TIME_ZONE, now);

beforeAll(async () => {
  stack = await useLocalStack();
  poller = await pollStream(stack, 'aggregateResponses', await loadHandler('aggregateResponses'));
  const tag = Math.random().toString(36).slice(2, 8);
  const rows = Object.entries(SIZES).flatMap(([tier, n]) =>
    Array.from({ length: n }, (_, i) => `${tier}${i}.${tag}@example.com,Someone,${tier}`),
  );
  waveId = (
    await createWave(
      stack,
      {
        name: 'Boundary',
        kind: 'nps',
        locale: 'en',
        product: 'Acme',
        sendAt: new Date(now.getTime() - 1000),
      },
      () => readAudience(Readable.from([['email,name,tier', ...rows].join('\n')]), 'tiers.csv'),
      { skipInvalid: false, file: 'tiers.csv' },
    )
  ).id;
  const policy = surveyPolicy();
  for (const row of rows) {
    const recipient = await getRecipient(stack, waveId, contactIdOf(row.split(',')[0] as string));
    await updateResponse(stack, recipient, (s) =>
      applyCommit(s, { score: 10, answers: undefined, via: 'submit', day: today }, now, policy),
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the aggregator did not settle within 60 s')), 60_000);
  });
  await Promise.race([poller.settled(), late]).finally(() => clearTimeout(timer));
}, 120_000);

afterAll(async () => {
  await poller?.stop();
});

/** Whether each tier's NPS is shown, as [below, at, above]. */
const shownByTier = (segments: readonly { column: string; value: string; shown: boolean }[]) =>
  (Object.keys(SIZES) as (keyof typeof SIZES)[]).map(
    (tier) => segments.find((s) => s.column === 'tier' && s.value === tier)?.shown,
  );

describe(`a segment at the minimum n (${MIN})`, () => {
  it('has its NPS in the digest at n = min and min + 1, and withheld at min − 1', async () => {
    const figures = await readDigestFigures(
      { ddb: stack.ddb, table: stack.table, timeZone: TIME_ZONE, minSegmentResponses: MIN, title: 'Acme' },
      { now, days: 7 },
    );
    const tiers = figures.segments.filter((s) => s.column === 'tier');
    expect(shownByTier(tiers.map((s) => ({ ...s, shown: s.nps !== null })))).toEqual([false, true, true]);
    expect(tiers.map((s) => s.responses).sort()).toEqual([MIN - 1, MIN, MIN + 1]);
  });

  it('is shown on the dashboard at n = min and min + 1, and not at min − 1', async () => {
    const dashboard = await readDashboard(stack, {
      period: { since: addDays(today, -6), until: addDays(today, 1) },
      previous: { since: addDays(today, -13), until: addDays(today, -6) },
      minSegmentResponses: MIN,
    });
    expect(shownByTier(dashboard.segments)).toEqual([false, true, true]);
  });

  it('is shown on the wave page at n = min and min + 1, its NPS withheld at min − 1', async () => {
    const { segments } = await waveSegments(stack, { id: waveId, kind: 'nps' }, { minResponses: MIN });
    expect(shownByTier(segments)).toEqual([false, true, true]);
    expect(segments.find((s) => s.value === 'below')?.nps).toBeNull();
    expect(segments.find((s) => s.value === 'at')?.nps).toBe(100);
  });
});
