/**
 * Sending the digest: 1. Find the readers. 2. Read the period's figures once. 3. Render them in each reader
 * language and email every reader of it, through the period's ledger when the schedule sends.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { simpleEmailInput } from '#shared/core/simple-email.ts';
import { type DigestView, digestEmail, type EmailContent, type Locale } from '#templates/index.ts';
import { type DigestSource, digestViewIn, readDigestFigures } from './digest.ts';
import { periodLedger } from './ledger.ts';
import { type DayRange, type DigestWindow, digestPeriods } from './period.ts';
import { listReaders, type Reader, readerAddress } from './readers.ts';

export interface DigestDeps extends DigestSource {
  ses: SESv2Client;
  fromAddress: string;
  configurationSet: string | undefined;
  /** The sender's display name (else the digest's title) and Reply-To, when the stack names them. */
  fromName?: string;
  replyTo?: string;
}

export interface DigestSent {
  period: Required<DayRange>;
  recipients: string[];
  /** Readers the scheduled digest of this period had already gone to (a retried run skips them). */
  alreadySent: string[];
  /** One per reader language. */
  views: DigestView[];
}

/**
 * Sends the digest of the `days` days that end today, or of the last complete week (`completeWeek`). Without readers nothing is read or sent.
 * `oncePerPeriod` (the schedule) sends each reader a period's digest at most once, however often the run is
 * retried; `nps digest send` leaves it off and sends when asked.
 */
export const sendDigest = async (
  deps: DigestDeps,
  options: { now: Date; to?: Reader[]; oncePerPeriod?: boolean } & DigestWindow,
): Promise<DigestSent> => {
  const period = digestPeriods(options.now, deps.timeZone, options).current;
  const byLocale = new Map<Locale, string[]>();
  for (const r of options.to ?? (await listReaders(deps)))
    byLocale.set(r.locale, [...(byLocale.get(r.locale) ?? []), readerAddress(r.address)]);
  const sent: DigestSent = { period, recipients: [], alreadySent: [], views: [] };
  if (byLocale.size === 0) return sent;
  const figures = await readDigestFigures(deps, options);
  const ledger = options.oncePerPeriod ? periodLedger(deps, period, options.now) : undefined;
  for (const [locale, addresses] of byLocale) {
    const view = digestViewIn(figures, locale);
    sent.views.push(view);
    const email = digestEmail(view);
    for (const address of addresses) {
      if (ledger && !(await ledger.claim(address))) {
        sent.alreadySent.push(address);
        continue;
      }
      try {
        await emailReader(deps, address, email);
      } catch (error) {
        await ledger?.release(address);
        throw error;
      }
      await ledger?.sent(address);
      sent.recipients.push(address);
    }
  }
  return sent;
};

const emailReader = async (deps: DigestDeps, address: string, email: EmailContent) => {
  await deps.ses.send(
    new SendEmailCommand(
      simpleEmailInput({ ...deps, fromName: deps.fromName ?? deps.title, to: address, email }),
    ),
  );
};
