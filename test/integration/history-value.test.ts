/**
 * NPS next to money: a wave created with `--value-column arr` keeps each contact's value, the answers carry
 * it through the real stream and aggregator, and `nps report --json` shows the value held per category, the
 * value-weighted NPS, and the value at risk — the sum of the detractors' planted values. A value that is
 * not a number rejects the file with its line, and nothing is created.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { verifyAggregates } from '#shared/aggregation/recount.ts';
import { applyCommit, getRecipient, updateResponse } from '#shared/answering/responses.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { listWaves } from '#shared/waves/repository.ts';
import { run } from '../../cli/commands.ts';
import { pollUntil } from '../support/poll.ts';
import { pollStream, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let poller: StreamPoller;
const dir = mkdtempSync(join(tmpdir(), 'nps-value-'));

/** 30 contacts: value 1000 × (i + 1), written in spreadsheet styles; score 10, 8 or 3 by i % 3. */
const contacts = Array.from({ length: 30 }, (_, i) => ({
  email: `account${i}@example.com`,
  value: 1000 * (i + 1),
  score: [10, 8, 3][i % 3] as number,
}));
const written = (value: number, i: number) =>
  [String(value), `"${value},00"`, `"${value.toLocaleString('en')}.00"`][i % 3] as string;

beforeAll(async () => {
  stack = await useLocalStack();
  const { aggregate } = await import('#functions/aggregate-responses.ts');
  poller = await pollStream(stack, 'aggregateResponses', ((event) =>
    aggregate(event as DynamoDBStreamEvent)) as Handler);
});

afterAll(async () => {
  await poller?.stop();
});

describe('value of the accounts that answered', () => {
  it('puts the detractors’ values at risk and weights the NPS by value', async () => {
    const file = join(dir, 'accounts.csv');
    writeFileSync(
      file,
      [
        'email,name,arr,plan',
        ...contacts.map((c, i) => `${c.email},Account ${i},${written(c.value, i)},pro`),
      ].join('\n'),
    );
    const created = await run(
      ['wave', 'create'],
      { name: 'Accounts', audience: file, 'value-column': 'arr', now: true },
      {},
    );
    const waveId = (created.data as { id: string }).id;
    // The value column is a value, not a segment.
    expect((await listWaves(stack.ddb, stack.table)).find((w) => w.id === waveId)).toMatchObject({
      valueColumn: 'arr',
    });
    const policy = surveyPolicy();
    const now = new Date();
    for (const c of contacts) {
      const recipient = await getRecipient(stack, waveId, contactIdOf(c.email));
      await updateResponse(stack, recipient, (state) =>
        applyCommit(
          state,
          { score: c.score, answers: undefined, via: 'submit', day: now.toISOString().slice(0, 10) },
          now,
          policy,
        ),
      );
    }
    // The aggregator has counted every response: else this fails here, saying so, not in the report below.
    await pollUntil(
      'the aggregates to match a recount of the responses',
      async () => ((await verifyAggregates(stack)).ok ? true : undefined),
      { timeoutMs: 60_000, everyMs: 300 },
    );
    const { data } = await run(['report'], { wave: waveId }, {});
    // Worked out from the plan above: i % 3 = 2 are detractors (i = 2, 5, …, 29), values 3000, 6000, …, 30000.
    const sum = (r: number) => contacts.filter((_, i) => i % 3 === r).reduce((s, c) => s + c.value, 0);
    const [promoters, passives, detractors] = [sum(0), sum(1), sum(2)];
    expect([promoters, passives, detractors]).toEqual([145_000, 155_000, 165_000]);
    expect(data).toMatchObject({
      responses: 30,
      value: { promoters, passives, detractors, atRisk: detractors, responses: 30 },
      // 100 · (145,000 − 165,000) / 465,000 = −4.3 → −4
      valueWeightedNps: -4,
    });
    const segments = (await run(['report'], { segment: 'arr' }, {})).data as { segments: unknown[] };
    expect(segments.segments).toEqual([]);
  });

  it('refuses a wave that names no product where the stack names none, and creates nothing', async () => {
    const file = join(dir, 'plain.csv');
    writeFileSync(file, 'email\nz@example.com\n');
    const before = (await listWaves(stack.ddb, stack.table)).length;
    const configured = process.env.NPS_PRODUCT;
    delete process.env.NPS_PRODUCT;
    try {
      await expect(
        run(['wave', 'create'], { name: 'No product', audience: file, now: true }, {}),
      ).rejects.toThrow(/wave create needs --product NAME/);
      expect(await listWaves(stack.ddb, stack.table)).toHaveLength(before);
      const named = await run(
        ['wave', 'create'],
        { name: 'Named', audience: file, now: true, product: 'Northwind Cloud' },
        {},
      );
      expect(
        (await listWaves(stack.ddb, stack.table)).find((w) => w.id === (named.data as { id: string }).id),
      ).toMatchObject({
        product: 'Northwind Cloud',
      });
    } finally {
      process.env.NPS_PRODUCT = configured;
    }
  });

  it('refuses a value that is not a number, naming its line, and creates nothing', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      ['email,arr', 'a@example.com,1200', 'b@example.com,lots', 'c@example.com,'].join('\n'),
    );
    const before = (await listWaves(stack.ddb, stack.table)).length;
    await expect(
      run(['wave', 'create'], { name: 'Bad', audience: file, 'value-column': 'arr', now: true }, {}),
    ).rejects.toThrow('line 3: arr "lots" is not a number');
    expect(await listWaves(stack.ddb, stack.table)).toHaveLength(before);
  });
});
