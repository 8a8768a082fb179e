/**
 * Benchmarks: an NPS the user trusts to compare with (an industry average, a competitor's published NPS),
 * always with its source. We ship none: every benchmark is one the user recorded. Reports and the digest show
 * the gap and whether our 95% margin of error reaches the benchmark.
 */
import { PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#shared/core/errors.ts';
import { BENCHMARK_PARTITION, benchmarkKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

export interface Benchmark {
  name: string;
  /** −100…+100. */
  score: number;
  source: string;
  setAt: string;
}

export interface BenchmarkGap extends Benchmark {
  /** Our NPS minus the benchmark. */
  gap: number;
  /** The benchmark lies within our NPS ± margin: the data cannot tell us apart from it. */
  overlaps: boolean;
}

export const MAX_BENCHMARK_NAME = 80;
export const MAX_BENCHMARK_SOURCE = 300;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Validates and cleans a benchmark before it is stored. Pure. */
export const parseBenchmark = (
  input: { name: string; score: string | number; source: string },
  now: Date,
) => {
  const name = input.name.replace(CONTROL, ' ').trim();
  const source = input.source.replace(CONTROL, ' ').trim();
  const score = typeof input.score === 'number' ? input.score : Number(input.score.trim());
  if (!name || name.length > MAX_BENCHMARK_NAME)
    throw new ValidationError(`a benchmark name must be 1–${MAX_BENCHMARK_NAME} characters`, {
      field: 'name',
    });
  if (!Number.isFinite(score) || score < -100 || score > 100 || String(input.score).trim() === '')
    throw new ValidationError(`a benchmark score must be an NPS from -100 to 100, not "${input.score}"`, {
      field: 'score',
    });
  if (!source || source.length > MAX_BENCHMARK_SOURCE)
    throw new ValidationError(
      `a benchmark needs its source (--source TEXT, 1–${MAX_BENCHMARK_SOURCE} characters): where the number comes from`,
      { field: 'source' },
    );
  return { name, score: Math.round(score * 10) / 10, source, setAt: now.toISOString() } satisfies Benchmark;
};

/** Records or replaces the benchmark of that name. */
export const setBenchmark = async (
  store: TableStore,
  input: { name: string; score: string | number; source: string },
  now: Date,
): Promise<Benchmark> => {
  const benchmark = parseBenchmark(input, now);
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: { ...benchmarkKey(benchmark.name.toLowerCase()), ...benchmark },
    }),
  );
  return benchmark;
};

export const listBenchmarks = async (store: TableStore): Promise<Benchmark[]> => {
  const found: Benchmark[] = [];
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': BENCHMARK_PARTITION },
    },
  );
  for await (const page of pages)
    for (const item of page.Items ?? [])
      found.push({
        name: String(item.name),
        score: Number(item.score),
        source: String(item.source),
        setAt: String(item.setAt),
      });
  return found;
};

/** The gap from our NPS to each benchmark; none without an NPS. Pure. */
export const benchmarkGaps = (
  nps: number | null,
  marginOfError: number | null,
  benchmarks: readonly Benchmark[],
): BenchmarkGap[] =>
  nps === null
    ? []
    : benchmarks.map((b) => {
        const gap = Math.round((nps - b.score) * 10) / 10;
        return { ...b, gap, overlaps: Math.abs(gap) <= (marginOfError ?? 0) };
      });
