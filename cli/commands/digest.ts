/** `nps digest …`: send the leadership digest now, and manage who gets the scheduled one. */
import { digestSettings, emailConfig } from '#shared/core/config.ts';
import { LOCALES } from '#shared/core/locale.ts';
import { parseDurationDays } from '#shared/core/time.ts';
import { type Reader, subscribeReader, unsubscribeReader } from '#shared/reporting/readers.ts';
import { sendDigest } from '#shared/reporting/send.ts';
import { command, group, UsageError } from '../command.ts';

const ADDRESS = [{ name: 'ADDR', what: 'an address' }] as const;
const locale = {
  type: 'string',
  choices: LOCALES,
  help: 'the language of the digest (en unless given)',
} as const;

const send = command({
  name: 'send',
  summary: 'send the digest of the last period now, to its readers or to --to',
  options: {
    to: { type: 'string', value: 'ADDR[,ADDR...]', help: 'these addresses instead of the readers' },
    period: {
      type: 'string',
      value: '7d',
      help: 'the days the digest covers, up to today (7d unless given)',
    },
    locale: { ...locale, help: 'the language for the --to addresses (en unless given)' },
  },
  run: async ({ options: o, ddb, ses, store }) => {
    const days = parseDurationDays(o.period ?? '7d');
    if (!days || days < 1)
      throw new UsageError(`--period must be a number of days like 7d, not "${o.period}"`);
    const to: Reader[] | undefined = o.to
      ?.split(',')
      .map((address) => ({ address: address.trim(), locale: o.locale ?? 'en' }));
    const email = emailConfig();
    const sent = await sendDigest(
      {
        ddb,
        ses,
        table: store.table,
        ...email,
        ...digestSettings(),
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
  },
});

const subscribe = command({
  name: 'subscribe',
  summary: 'add a reader of the scheduled digest',
  args: ADDRESS,
  options: { locale },
  run: async ({ args, options, store }) => {
    const reader = await subscribeReader(store, args.ADDR, options.locale ?? 'en');
    return {
      data: reader,
      text: reader.added
        ? `${reader.address} now gets the digest (${reader.locale})`
        : `${reader.address} already gets the digest; now in ${reader.locale}`,
    };
  },
});

const unsubscribe = command({
  name: 'unsubscribe',
  summary: 'remove a reader of the scheduled digest',
  args: ADDRESS,
  run: async ({ args, store }) => {
    const result = await unsubscribeReader(store, args.ADDR);
    return {
      data: result,
      text: result.removed
        ? `${result.address} no longer gets the digest`
        : `${result.address} was not subscribed`,
    };
  },
});

export default group({
  name: 'digest',
  summary: "leadership's digest email",
  commands: [send, subscribe, unsubscribe],
});
