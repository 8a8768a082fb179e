/**
 * The local stand-in for the configuration set's `Send` events: SES publishes one per accepted email, with the
 * email's tags, to EventBridge, where the sesEvents function settles the recipient's claim. The emulator keeps
 * the emails it accepted but not their tags; it keeps their headers, and each survey email and reminder
 * carries its recipient's unsubscribe token (`kid.u.wave.contact.expiry.mac`), which names the same wave and
 * contact, and its kind (first email or reminder) in a header. Each accepted email is announced once per run
 * of the local stack.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { CONTACT_TAG, KIND_HEADER, KIND_TAG, WAVE_TAG } from '../../shared/sending/acceptance.ts';
import { type Handler, lambdaContext } from './lambda.ts';
import { toEventBridgeEvent } from './ses-events.ts';

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  headers?: { name: string; value: string }[];
  /** When the emulator took it, in seconds since the epoch. */
  at: number;
}

const headerOf = (email: StoredEmail, name: string): string | undefined =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

const UNSUBSCRIBE =
  /\/u\/[A-Za-z0-9_-]+\.u\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>?$/;

/** The `Send` event SES would publish for a stored email, or undefined for one that names no recipient. */
export const sendEventOf = (email: StoredEmail): EventBridgeEvent<string, unknown> | undefined => {
  const named = UNSUBSCRIBE.exec(headerOf(email, 'List-Unsubscribe') ?? '');
  const kind = headerOf(email, KIND_HEADER);
  const to = email.destination.to[0];
  if (!named || !to) return undefined;
  return toEventBridgeEvent({
    detail: {
      eventType: 'Send',
      mail: {
        messageId: email.messageId,
        timestamp: new Date(email.at * 1000).toISOString(),
        destination: [to],
        tags: { [WAVE_TAG]: [named[1]], [CONTACT_TAG]: [named[2]], ...(kind ? { [KIND_TAG]: [kind] } : {}) },
      },
    },
  });
};

/** Events handled at once, as Lambda runs several invocations for a burst of events. */
const CONCURRENCY = 8;

/**
 * Announces every accepted email not announced yet, newest first: after a restart the whole inbox is new to
 * this process, and the emails a crashed sender could not record are the latest ones, which must be settled
 * before their claims' lease runs out. Returns how many it announced.
 */
export const mirrorSends = async (sesUrl: string, handler: Handler, seen: Set<string>): Promise<number> => {
  const res = await fetch(`${sesUrl}/store`);
  const { emails } = (await res.json()) as { emails: StoredEmail[] };
  const fresh = emails.filter((e) => !seen.has(e.messageId)).sort((a, b) => b.at - a.at);
  let announced = 0;
  for (let i = 0; i < fresh.length; i += CONCURRENCY) {
    await Promise.all(
      fresh.slice(i, i + CONCURRENCY).map(async (email) => {
        const event = sendEventOf(email);
        if (event) {
          await handler(event, lambdaContext('sesEvents'));
          announced++;
        }
        seen.add(email.messageId);
      }),
    );
  }
  return announced;
};

/**
 * Polls the emulator every `intervalMs`, as SES's events arrive within seconds. The first pass runs at once
 * and `caughtUp` settles when it is done: in AWS the events of a sender that died were handled while it was
 * down, so the local stack starts its sender only after this pass.
 */
export const startSesMirror = (o: {
  sesUrl: string;
  handler: Handler;
  intervalMs?: number;
  log?: (message: string) => void;
}) => {
  const seen = new Set<string>();
  const pass = () =>
    mirrorSends(o.sesUrl, o.handler, seen).catch((error: unknown) => {
      o.log?.(`SES send events: ${(error as Error).message}`);
      return 0;
    });
  let running: Promise<unknown> = pass();
  const caughtUp = running.then(() => undefined);
  const timer = setInterval(() => {
    running = running.then(pass);
  }, o.intervalMs ?? 1_000);
  return {
    caughtUp,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
