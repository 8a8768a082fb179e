/**
 * Audience import. A 1,000,000-row CSV (semicolon, BOM, quoted names, 1% duplicates) is parsed and
 * validated as `nps wave create` does in its first pass: rows per second and peak RSS above the start.
 * The write pass goes to DynamoDB Local, which is far slower than DynamoDB, so it is measured on a
 * 20,000-row sample. With `BENCH_IMPORT_END_TO_END=1` the whole file goes through `createWave` as
 * `nps wave create` runs it (both passes: parse and validate, then write every row), with its rows per second
 * and peak RSS: minutes on DynamoDB Local.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readAudience } from '#shared/audience/audience.ts';
import { createWave } from '#shared/waves/create.ts';
import type { Bench } from './support.ts';

const ROWS = 1_000_000;
const WRITE_SAMPLE = 20_000;

function* rows(n: number) {
  yield '\uFEFFemail;name;locale;region;plan\n';
  for (let i = 0; i < n; i++) {
    const id = i % 100 === 99 ? i - 1 : i; // 1% duplicates
    yield `Customer.${id}@Example.com;"Klant ${id}; BV";${['nl', 'sv-SE', 'de', 'en'][i % 4]};R${i % 7};P${i % 3}\n`;
  }
}

const bench: Bench = async (ctx) => {
  const file = join(tmpdir(), `nps-bench-${process.pid}.csv`);
  await pipeline(Readable.from(rows(ROWS)), createWriteStream(file));
  try {
    const rss = sampleRss();
    const started = performance.now();
    let valid = 0;
    let skipped = 0;
    for await (const row of readAudience(createReadStream(file, { highWaterMark: 256 * 1024 }), file)) {
      if (row.ok) valid++;
      else skipped++;
    }
    const seconds = (performance.now() - started) / 1000;
    const { start: rssStart, peak } = rss.stop();

    const table = await ctx.newTable();
    const endToEnd = process.env.BENCH_IMPORT_END_TO_END === '1' ? await wholeFile(ctx, table, file) : {};
    const sample = [
      'email,name',
      ...Array.from({ length: WRITE_SAMPLE }, (_, i) => `w${i}@example.com,W ${i}`),
    ].join('\n');
    const writeStart = performance.now();
    await importWave(ctx, table, 'Import bench', () => readAudience(Readable.from([sample]), 'sample.csv'), {
      skipInvalid: false,
      file: 'sample.csv',
    });
    const writeSeconds = (performance.now() - writeStart) / 1000;
    return {
      rows: ROWS,
      valid,
      skipped,
      parseValidateRowsPerSecond: Math.round(ROWS / seconds),
      peakRssMbAboveStart: Math.round((peak - rssStart) / 1_048_576),
      peakRssMb: Math.round(peak / 1_048_576),
      writeSampleRows: WRITE_SAMPLE,
      writeRowsPerSecondDynamoDbLocal: Math.round(WRITE_SAMPLE / writeSeconds),
      ...endToEnd,
    };
  } finally {
    rmSync(file, { force: true });
  }
};

/** A wave for tomorrow from `readRows`, as `nps wave create` makes it. */
const importWave = (
  ctx: Parameters<Bench>[0],
  table: string,
  name: string,
  readRows: Parameters<typeof createWave>[2],
  options: { skipInvalid: boolean; file: string },
) =>
  createWave(
    { ddb: ctx.clients.ddb, table },
    { name, kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() + 86_400_000) },
    readRows,
    options,
  );

/** Samples the process's RSS every 20 ms from now until `stop()`: where it started, and its peak. */
const sampleRss = () => {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop: () => {
      clearInterval(sampler);
      return { start, peak: Math.max(peak, process.memoryUsage().rss) };
    },
  };
};

/** The whole file through `createWave`, as `nps wave create` imports it: rows per second and peak RSS. */
const wholeFile = async (ctx: Parameters<Bench>[0], table: string, file: string) => {
  const rss = sampleRss();
  const started = performance.now();
  const created = await importWave(
    ctx,
    table,
    'Import end to end',
    () => readAudience(createReadStream(file, { highWaterMark: 256 * 1024 }), file),
    { skipInvalid: true, file },
  );
  const seconds = (performance.now() - started) / 1000;
  const { start: rssStart, peak } = rss.stop();
  return {
    endToEndRowsWritten: created.recipients,
    endToEndRowsPerSecond: Math.round(ROWS / seconds),
    endToEndSeconds: Math.round(seconds),
    endToEndPeakRssMbAboveStart: Math.round(
      (Math.max(peak, process.memoryUsage().rss) - rssStart) / 1_048_576,
    ),
  };
};

export default bench;
