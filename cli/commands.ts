/** The CLI's commands: each validates its options, calls one use case, and shapes JSON and text output. */
import { existsSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Counts, readCounts } from '#shared/aggregation/aggregates.ts';
import { rebuildAggregates, verifyAggregates } from '#shared/aggregation/recount.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { eraseContact } from '#shared/contacts/erasure.ts';
import { digestTimeZone, emailConfig, surveyPolicy, tableName } from '#shared/core/config.ts';
import { summarize } from '#shared/core/stats.ts';
import { isSurveyKind, type SurveyKind } from '#shared/core/survey.ts';
import { parseDurationDays } from '#shared/core/time.ts';
import { type Reader, sendDigest, subscribeReader, unsubscribeReader } from '#shared/reporting/digest.ts';
import { buildReport, isoWeekRange } from '#shared/reporting/report.ts';
import { createClients } from '#shared/store/clients.ts';
import { cancelWave, createWave, getWave, listWaves, type Wave } from '#shared/waves/waves.ts';
import { isLocale, type Locale } from '#templates/index.ts';

import { trackedFile } from './progress.ts';

/** Passes rows through, counting them for the progress bar. */
async function* countRows<T>(rows: AsyncIterable<T>, count: () => void): AsyncGenerator<T> {
  for await (const row of rows) {
    count();
    yield row;
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = Record<string, string | boolean | undefined>;
export interface Output {
  data: unknown;
  text: string;
  /** Non-zero to report a finding (e.g. `aggregates verify` found differences) while still printing. */
  exitCode?: number;
}

const str = (o: Options, name: string): string | undefined => {
  const v = o[name];
  return typeof v === 'string' ? v : undefined;
};

const kindOf = (o: Options): SurveyKind => {
  const survey = str(o, 'survey') ?? 'nps';
  if (!isSurveyKind(survey)) throw new UsageError(`--survey must be nps, csat or ces, not "${survey}"`);
  return survey;
};

const localeOf = (o: Options, fallback: Locale = 'en'): Locale => {
  const locale = str(o, 'locale') ?? fallback;
  if (!isLocale(locale)) throw new UsageError(`--locale must be en, nl, sv or de, not "${locale}"`);
  return locale;
};

const dayOf = (o: Options, name: string): string | undefined => {
  const value = str(o, name);
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`--${name} must be a date like 2026-11-01, not "${value}"`);
  }
  return value;
};

const signed = (nps: number | null) => (nps === null ? 'n/a' : `${nps > 0 ? '+' : ''}${Math.round(nps)}`);

export const run = async (
  positionals: string[],
  o: Options,
  io: { progress?: (line: string) => void },
): Promise<Output> => {
  const [group, command, arg] = positionals;
  const { ddb, ses } = createClients();
  const store = { ddb, table: tableName() };
  const key = `${group} ${command ?? ''}`.trim();
  switch (key) {
    case 'wave create': {
      const name = str(o, 'name');
      const file = str(o, 'audience');
      if (!name) throw new UsageError('wave create needs --name NAME');
      if (!file) throw new UsageError('wave create needs --audience FILE.csv');
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
      if (o.at && o.now) throw new UsageError('give either --at or --now, not both');
      const at = str(o, 'at');
      const sendAt = at ? new Date(at) : new Date();
      if (at && (Number.isNaN(sendAt.getTime()) || !/\d{4}-\d{2}-\d{2}T/.test(at))) {
        throw new UsageError(`--at must be an ISO-8601 time like 2026-12-01T09:00:00+01:00, not "${at}"`);
      }
      if (!at && !o.now) throw new UsageError('wave create needs --at ISO-8601 or --now');
      const everyRaw = str(o, 'every');
      const everyDays = everyRaw === undefined ? undefined : parseDurationDays(everyRaw);
      if (everyRaw !== undefined && (everyDays === undefined || everyDays < 1)) {
        throw new UsageError(
          `--every must be a duration of at least a day like 90d or 12w, not "${everyRaw}"`,
        );
      }
      const spreadRaw = str(o, 'spread');
      const spreadDays = spreadRaw === undefined ? undefined : parseDurationDays(spreadRaw);
      if (spreadRaw !== undefined && (spreadDays === undefined || spreadDays <= 0 || spreadDays > 30)) {
        throw new UsageError(`--spread must be a duration from 1h to 30d like 3d, not "${spreadRaw}"`);
      }
      if (spreadDays && everyDays && spreadDays >= everyDays) {
        throw new UsageError(`--spread (${spreadRaw}) must be shorter than --every (${everyRaw})`);
      }
      // Two passes over the file (validate, then write), each with its own bar on a terminal.
      let rows = 0;
      let pass = 0;
      const open = trackedFile(file, io.progress);
      const result = await createWave(
        store,
        {
          name,
          kind: kindOf(o),
          locale: localeOf(o),
          product: str(o, 'product') ?? process.env.NPS_PRODUCT ?? 'Acme',
          sendAt,
          ...(everyDays ? { every: `P${everyDays}D` } : {}),
          ...(spreadDays ? { spreadDays } : {}),
        },
        () => {
          pass++;
          rows = 0;
          const phase = pass === 1 ? 'checking' : 'importing';
          return countRows(
            readAudience(
              open(phase, () => rows),
              file,
            ),
            () => rows++,
          );
        },
        { skipInvalid: Boolean(o['skip-invalid']), file },
      );
      return {
        data: result,
        text: `Created wave ${result.id}: ${result.recipients} recipients, ${result.skipped.length} skipped, sends at ${result.sendAt}`,
      };
    }
    case 'wave status': {
      if (!arg) throw new UsageError('wave status needs a wave ID');
      const status = await waveStatus(store, await getWave(ddb, store.table, arg));
      return {
        data: status,
        text: `${status.id} ${status.name}: ${status.status}; ${status.sent}/${status.recipients} sent, ${status.responses} responses, NPS ${signed(status.nps)}, ${status.quarantined} quarantined`,
      };
    }
    case 'wave list': {
      const waves = await listWaves(ddb, store.table);
      const data = waves.map((w) => ({
        id: w.id,
        name: w.name,
        survey: w.kind,
        status: w.status,
        sendAt: w.sendAt,
        recipients: w.recipients,
      }));
      return {
        data,
        text:
          data
            .map((w) => `${w.id}  ${w.status.padEnd(9)} ${w.sendAt}  ${w.recipients}  ${w.name}`)
            .join('\n') || 'No waves yet.',
      };
    }
    case 'wave cancel': {
      if (!arg) throw new UsageError('wave cancel needs a wave ID');
      const wave = await cancelWave(ddb, store.table, arg);
      return { data: { id: wave.id, status: wave.status }, text: `Cancelled wave ${wave.id}` };
    }
    case 'report': {
      const week = str(o, 'week');
      const weekRange = week === undefined ? undefined : isoWeekRange(week);
      if (week !== undefined && !weekRange)
        throw new UsageError(`--week must be an ISO week like 2026-W47, not "${week}"`);
      if (weekRange && (o.since || o.until)) throw new UsageError('give either --week or --since/--until');
      const since = weekRange?.since ?? dayOf(o, 'since');
      const until = weekRange?.until ?? dayOf(o, 'until');
      if (until && !since) throw new UsageError('--until needs --since');
      if (o.wave && o.segment)
        throw new UsageError(
          '--segment cannot be combined with --wave: segment counters are kept across all waves of a survey kind',
        );
      const waveId = str(o, 'wave');
      const kind = waveId && !o.survey ? (await getWave(ddb, store.table, waveId)).kind : kindOf(o);
      const report = await buildReport(store, {
        kind,
        ...(waveId ? { waveId } : {}),
        ...(str(o, 'segment') ? { segment: str(o, 'segment') } : {}),
        ...(since ? { range: { since, ...(until ? { until } : {}) } } : {}),
      });
      const lines = [
        `${report.responses} responses, NPS ${signed(report.nps)} ±${report.marginOfError ?? 'n/a'}`,
      ];
      for (const s of report.segments ?? [])
        lines.push(`  ${s.column}=${s.value}: ${s.responses} responses, NPS ${signed(s.nps)}`);
      return { data: report, text: lines.join('\n') };
    }
    case 'digest send': {
      const days = parseDurationDays(str(o, 'period') ?? '7d');
      if (!days || days < 1)
        throw new UsageError(`--period must be a number of days like 7d, not "${str(o, 'period')}"`);
      const to: Reader[] | undefined = str(o, 'to')
        ?.split(',')
        .map((address) => ({ address: address.trim(), locale: localeOf(o) }));
      const email = emailConfig();
      const sent = await sendDigest(
        {
          ddb,
          ses,
          table: store.table,
          fromAddress: email.fromAddress,
          configurationSet: email.configurationSet,
          timeZone: digestTimeZone(),
          minSegmentResponses: surveyPolicy().minSegmentResponses,
          title: process.env.DIGEST_TITLE || 'NPS',
        },
        { now: new Date(), days: Math.round(days), ...(to ? { to } : {}) },
      );
      const view = sent.views[0];
      return {
        data: {
          sent: sent.recipients.length,
          to: sent.recipients,
          period: sent.period,
          nps: view?.nps ?? null,
          responses: view?.responses ?? 0,
        },
        text: sent.recipients.length
          ? `Sent the digest for ${sent.period.since}..${sent.period.until} to ${sent.recipients.join(', ')}`
          : 'No digest readers; subscribe one with `nps digest subscribe ADDR` or use --to',
      };
    }
    case 'digest subscribe': {
      if (!arg) throw new UsageError('digest subscribe needs an address');
      const reader = await subscribeReader(ddb, store.table, arg, localeOf(o));
      return { data: reader, text: `${reader.address} now gets the digest (${reader.locale})` };
    }
    case 'digest unsubscribe': {
      if (!arg) throw new UsageError('digest unsubscribe needs an address');
      const result = await unsubscribeReader(ddb, store.table, arg);
      return {
        data: result,
        text: result.removed
          ? `${result.address} no longer gets the digest`
          : `${result.address} was not subscribed`,
      };
    }
    case 'aggregates verify': {
      const result = await verifyAggregates(store);
      return {
        data: result,
        text: result.ok
          ? `Aggregates match a recount of ${result.responses} responses and ${result.recipients} recipients`
          : [
              `${result.differences.length} counters and ${result.segments.length} segment values differ from a recount (run \`nps aggregates rebuild\`):`,
              ...result.differences
                .slice(0, 50)
                .map((d) => `  ${d.pk} ${d.sk} ${d.attribute}: counted ${d.actual}, recount ${d.expected}`),
              ...result.segments.map((d) => `  ${d.kind} segment ${d.value}: ${d.problem}`),
            ].join('\n'),
        exitCode: result.ok ? 0 : 1,
      };
    }
    case 'aggregates rebuild': {
      const result = await rebuildAggregates(store);
      return {
        data: result,
        text: `Repaired ${result.repaired.length} counters and ${result.segmentsRepaired.length} segment values; ${
          result.after.ok
            ? 'aggregates now match a recount'
            : `${result.after.differences.length} differences remain (changes still in the stream? run it again once the aggregator has caught up)`
        }`,
        exitCode: result.after.ok ? 0 : 1,
      };
    }
    case 'contact erase': {
      if (!arg) throw new UsageError('contact erase needs an address');
      const result = await eraseContact(store, arg, new Date());
      return {
        data: { erased: true, ...result },
        text: `Erased ${arg}: ${result.removedItems} items removed; they will not be surveyed again`,
      };
    }
    default:
      throw new UsageError(`unknown command "${positionals.join(' ')}"; see nps --help`);
  }
};

const waveStatus = async (store: { ddb: DynamoDBDocumentClient; table: string }, wave: Wave) => {
  const counts: Counts = await readCounts(store, wave.kind, `wave#${wave.id}`);
  const summary = summarize(wave.kind, counts.histogram);
  // The import's skips (duplicate, invalid) and the sender's (consent, fatigue), from the one counter item.
  const skipped: Record<string, number> = { ...wave.skipped, ...counts.skipped };
  const failed = counts.failed;
  return {
    id: wave.id,
    name: wave.name,
    survey: wave.kind,
    status: wave.status,
    sendAt: wave.sendAt,
    ...(wave.every ? { every: wave.every } : {}),
    ...(wave.spreadDays ? { spreadDays: wave.spreadDays } : {}),
    ...(wave.parentId ? { previous: wave.parentId, occurrence: wave.occurrence } : {}),
    recipients: wave.recipients,
    sent: counts.sent,
    failed,
    skipped,
    responses: summary.responses,
    quarantined: counts.quarantined,
    nps: summary.nps,
    marginOfError: summary.marginOfError,
    histogram: summary.histogram,
  };
};
