/** `nps wave …`: create a wave from an audience file, follow it, list the waves, cancel one. */
import { existsSync } from 'node:fs';
import { readAudience } from '#shared/audience/audience.ts';
import { defaultProduct } from '#shared/core/config.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { LOCALES } from '#shared/core/locale.ts';
import { summarize } from '#shared/core/stats.ts';
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import { parseDurationDays } from '#shared/core/time.ts';
import { createWave } from '#shared/waves/create.ts';
import { cancelReminder, cancelWave, getWave, listWaves } from '#shared/waves/repository.ts';
import { shownStatus, waveStatus } from '#shared/waves/status.ts';
import { waveTiming } from '#shared/waves/timing.ts';
import { command, group, UsageError } from '../command.ts';
import { headline } from '../format.ts';
import { trackedFile } from '../progress.ts';

const WAVE_ID = [{ name: 'ID', what: 'a wave ID' }] as const;

/** Passes rows through, counting them for the progress bar. */
async function* countRows<T>(rows: AsyncIterable<T>, count: () => void): AsyncGenerator<T> {
  for await (const row of rows) {
    count();
    yield row;
  }
}

/** The duration in days, or a UsageError naming the option and what it must look like. */
const days = (option: string, raw: string | undefined, must: string) => {
  if (raw === undefined) return undefined;
  const parsed = parseDurationDays(raw);
  if (parsed === undefined) throw new UsageError(`--${option} must be ${must}, not "${raw}"`);
  return parsed;
};

/** The wave's timing by the rules every door shares (shared/waves/timing.ts), refusals named by option. */
const timingOf = (sendAt: Date, o: { every?: string | undefined; spread?: string | undefined }) => {
  const everyDays = days('every', o.every, 'a duration like 90d or 12w');
  const spreadDays = days('spread', o.spread, 'a duration like 12h or 3d');
  try {
    return waveTiming({
      sendAt,
      ...(everyDays !== undefined ? { everyDays } : {}),
      ...(spreadDays !== undefined ? { spreadDays } : {}),
    });
  } catch (error) {
    if (error instanceof ValidationError && (error.field === 'every' || error.field === 'spread'))
      throw new UsageError(`--${error.field} ${o[error.field]}: ${error.message}`);
    throw error;
  }
};

const create = command({
  name: 'create',
  summary: 'import an audience and schedule its wave; nothing is created while a row is invalid',
  options: {
    name: { type: 'string', value: 'NAME', required: true, help: 'what the wave is called' },
    audience: {
      type: 'string',
      value: 'FILE.csv',
      required: true,
      help: 'the audience: email, optional name and locale, other columns as segments',
    },
    survey: { type: 'string', choices: SURVEY_KINDS, help: 'the survey kind (nps unless given)' },
    locale: {
      type: 'string',
      choices: LOCALES,
      help: 'the language of rows without a locale (en unless given)',
    },
    product: {
      type: 'string',
      value: 'NAME',
      help: 'what the question asks about (NPS_PRODUCT unless given)',
    },
    at: { type: 'string', value: 'ISO-8601', help: 'when to send, like 2026-12-01T09:00:00+01:00' },
    now: { type: 'boolean', help: 'send now' },
    every: { type: 'string', value: '90d', help: 're-survey the audience this often (at least a day)' },
    spread: {
      type: 'string',
      value: '3d',
      help: 'send evenly over this window (1h to 30d, shorter than --every)',
    },
    'skip-invalid': { type: 'boolean', help: 'leave invalid rows out instead of creating nothing' },
    'value-column': {
      type: 'string',
      value: 'COLUMN',
      help: "an audience column holding each contact's value (e.g. arr): reports show value held and at risk",
    },
    'from-name': {
      type: 'string',
      value: 'NAME',
      help: "the sender's name in the inbox (SES_FROM_NAME, else the product)",
    },
    'reply-to': { type: 'string', value: 'ADDR', help: 'where replies go (SES_REPLY_TO unless given)' },
    'remind-after': {
      type: 'string',
      value: '3d',
      help: 'one reminder to those who have not answered, this long after the wave is sent (30m to 30d)',
    },
    'alert-to': {
      type: 'string',
      value: 'ADDR',
      help: 'who gets the alerts of contacts the audience names no owner for (owner column)',
    },
  },
  conflicts: [['at', 'now']],
  run: async ({ options: o, store, progress }) => {
    const file = o.audience;
    if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
    const sendAt = o.at ? new Date(o.at) : new Date();
    if (o.at && (Number.isNaN(sendAt.getTime()) || !/\d{4}-\d{2}-\d{2}T/.test(o.at)))
      throw new UsageError(`--at must be an ISO-8601 time like 2026-12-01T09:00:00+01:00, not "${o.at}"`);
    if (!o.at && !o.now) throw new UsageError('wave create needs --at ISO-8601 or --now');
    const product = o.product ?? defaultProduct();
    if (!product)
      throw new UsageError(
        'wave create needs --product NAME, what the survey asks about ("How likely are you to recommend NAME…"), or NPS_PRODUCT set for the stack',
      );
    const timing = timingOf(sendAt, o);
    const remindAfter = days('remind-after', o['remind-after'], 'a duration like 3d, 12h or 30m');
    // Two passes over the file (validate, then write), each with its own bar on a terminal.
    let rows = 0;
    let pass = 0;
    const open = trackedFile(file, progress);
    const result = await createWave(
      store,
      {
        name: o.name,
        kind: o.survey ?? 'nps',
        locale: o.locale ?? 'en',
        product,
        ...timing,
        ...(o['value-column'] ? { valueColumn: o['value-column'] } : {}),
        ...(o['alert-to'] !== undefined ? { alertTo: o['alert-to'] } : {}),
        ...(o['from-name'] !== undefined ? { fromName: o['from-name'] } : {}),
        ...(o['reply-to'] !== undefined ? { replyTo: o['reply-to'] } : {}),
        ...(remindAfter !== undefined ? { remindAfterSeconds: Math.round(remindAfter * 86_400) } : {}),
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
      { skipInvalid: o['skip-invalid'], file },
    );
    return {
      data: result,
      text: `Created wave ${result.id}: ${result.recipients} recipients, ${result.skipped.length} skipped, sends at ${result.sendAt}`,
    };
  },
});

const status = command({
  name: 'status',
  summary: 'sent, failed, skipped and why, responses, quarantined scores and the NPS of one wave',
  args: WAVE_ID,
  run: async ({ args, store }) => {
    const s = await waveStatus(store, await getWave(store.ddb, store.table, args.ID));
    return {
      data: s,
      text: `${s.id} ${s.name}: ${s.status}; ${s.sent}/${s.recipients} sent, ${s.responses} responses, ${headline(s.survey, summarize(s.survey, s.histogram))}, ${s.quarantined} quarantined${s.reminded > 0 ? `, ${s.reminded} reminded` : ''}`,
    };
  },
});

const list = command({
  name: 'list',
  summary: 'every wave with its status, send time and recipients',
  run: async ({ store }) => {
    const data = (await listWaves(store.ddb, store.table)).map((w) => ({
      id: w.id,
      name: w.name,
      survey: w.kind,
      status: shownStatus(w),
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
  },
});

const cancel = command({
  name: 'cancel',
  summary: 'stop a wave that is scheduled or still sending',
  args: WAVE_ID,
  run: async ({ args, store }) => {
    const wave = await cancelWave(store.ddb, store.table, args.ID);
    return { data: { id: wave.id, status: wave.status }, text: `Cancelled wave ${wave.id}` };
  },
});

const cancelReminderCommand = command({
  name: 'cancel-reminder',
  summary: "stop a wave's reminder that has not gone out yet",
  args: WAVE_ID,
  run: async ({ args, store }) => {
    const wave = await cancelReminder(store, args.ID, new Date());
    return {
      data: { id: wave.id, reminderCancelledAt: wave.reminderCancelledAt },
      text: `Cancelled the reminder of wave ${wave.id}`,
    };
  },
});

export default group({
  name: 'wave',
  summary: 'survey waves: an audience, a send time, and what came of it',
  commands: [create, status, list, cancel, cancelReminderCommand],
});
