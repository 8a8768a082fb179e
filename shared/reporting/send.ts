/**
 * Sending the digest: 1. Find the readers. 2. Read the period's figures once. 3. Render them in each reader
 * language and email every reader of it, through the period's ledger when the schedule sends.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Locale } from '#shared/core/locale.ts';
import { simpleEmailInput } from '#shared/core/simple-email.ts';
import { type DigestView, digestEmail, type EmailContent } from '#templates/index.ts';
import { type DayRange, type DigestWindow, digestPeriods } from '../core/period.ts';
import { type DigestSource, digestViewIn, readDigestFigures } from './digest.ts';
import { type LedgerDoor, periodLedger } from './ledger.ts';
import { listReaders, type Reader, readerAddress } from './readers.ts';

export interface DigestDeps extends DigestSource {
  ses: SESv2Client;
  fromAddress: string;
  configurationSet: string | undefined;
  /** The sender's display name (else the digest's title) and Reply-To, when the stack names them. */
  fromName?: string;
  replyTo?: string;
  /** The public survey endpoint: each reader's one-click unsubscribe link lives there (`/d/<token>`). */
  baseUrl?: string;
  /** The console, linked from the digest's footer. */
  consoleUrl?: string;
}

/** Where a reader's own unsubscribe address goes in a digest rendered once per language. */
const UNSUBSCRIBE_PLACEHOLDER = 'https://unsubscribe.invalid/nps-digest-reader';

export interface DigestSent {
  period: Required<DayRange>;
  recipients: string[];
  /** Readers this period's digest had already gone to through the same door (skipped, unless sent `again`). */
  alreadySent: string[];
  /** One per reader language. */
  views: DigestView[];
}

/**
 * Sends the digest of the `days` days that end today, or of the last complete week (`completeWeek`). Without readers nothing is read or sent.
 * `oncePerPeriod` (the schedule: `true`; the console's "Send now": `'now'`, a ledger of its own) sends each
 * reader a period's digest at most once, however often the run is retried or the button clicked, except to
 * the addresses a person confirmed to send `again`; `nps digest send` leaves it off and sends when asked.
 */
export const sendDigest = async (
  deps: DigestDeps,
  options: {
    now: Date;
    to?: Reader[];
    oncePerPeriod?: boolean | LedgerDoor;
    again?: readonly string[];
  } & DigestWindow,
): Promise<DigestSent> => {
  const period = digestPeriods(options.now, deps.timeZone, options).current;
  const byLocale = new Map<Locale, Reader[]>();
  for (const r of options.to ?? (await listReaders(deps)))
    byLocale.set(r.locale, [...(byLocale.get(r.locale) ?? []), { ...r, address: readerAddress(r.address) }]);
  const sent: DigestSent = { period, recipients: [], alreadySent: [], views: [] };
  if (byLocale.size === 0) return sent;
  const figures = await readDigestFigures(deps, options);
  const door = options.oncePerPeriod === true ? 'schedule' : options.oncePerPeriod || undefined;
  const ledger = door ? periodLedger(deps, period, options.now, door) : undefined;
  const again = new Set((options.again ?? []).map(readerAddress));
  for (const [locale, readers] of byLocale) {
    const view = digestViewIn(figures, locale);
    sent.views.push(view);
    const links = { ...(deps.consoleUrl ? { consoleUrl: deps.consoleUrl } : {}) };
    const plain = digestEmail({ ...view, ...links });
    const personal = deps.baseUrl
      ? digestEmail({ ...view, ...links, unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER })
      : plain;
    for (const reader of readers) {
      const { address } = reader;
      // A reader of the digest can stop it in one click; an address it is sent to once (`--to`) is no reader.
      const optOut = deps.baseUrl && !options.to ? reader.optOut : undefined;
      const unsubscribeUrl = optOut ? `${trimSlash(deps.baseUrl ?? '')}/d/${optOut}` : undefined;
      const email = unsubscribeUrl ? personalised(personal, unsubscribeUrl) : plain;
      if (ledger && !(await ledger.claim(address, again.has(address)))) {
        sent.alreadySent.push(address);
        continue;
      }
      try {
        await emailReader(deps, address, email, unsubscribeUrl);
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

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The language's digest with one reader's unsubscribe address in it. */
const personalised = (email: EmailContent, unsubscribeUrl: string): EmailContent => ({
  subject: email.subject,
  html: email.html.split(UNSUBSCRIBE_PLACEHOLDER).join(unsubscribeUrl),
  text: email.text.split(UNSUBSCRIBE_PLACEHOLDER).join(unsubscribeUrl),
});

const emailReader = async (
  deps: DigestDeps,
  address: string,
  email: EmailContent,
  unsubscribeUrl?: string,
) => {
  await deps.ses.send(
    new SendEmailCommand(
      simpleEmailInput({
        ...deps,
        fromName: deps.fromName ?? deps.title,
        to: address,
        email,
        // RFC 8058: mailbox providers show their own unsubscribe button and POST to it in one click.
        ...(unsubscribeUrl
          ? {
              headers: [
                { Name: 'List-Unsubscribe', Value: `<${unsubscribeUrl}>` },
                { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
              ],
            }
          : {}),
      }),
    ),
  );
};
