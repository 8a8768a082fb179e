/**
 * The local stand-in for the configuration set's `Send` events: SES publishes one per accepted email, with the
 * email's tags, to EventBridge, where the sesEvents function settles the recipient's claim. The emulator keeps
 * the emails it accepted but not their tags; it keeps their headers, and each survey email and reminder
 * carries its recipient's unsubscribe token (`kid.u.wave.contact.expiry.mac`), which names the same wave and
 * contact. Each accepted email is announced once per run of the local stack.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { CONTACT_TAG, WAVE_TAG } from '../../shared/sending/acceptance.ts';
import { type Handler, lambdaContext } from './lambda.ts';
import { toEventBridgeEvent } from './ses-events.ts';

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  headers?: { name: string; value: string }[];
  at: number;
}

const UNSUBSCRIBE =
  /\/u\/[A-Za-z0-9_-]+\.u\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>?$/;

/** The `Send` event SES would publish for a stored email, or undefined for one that names no recipient. */
export const sendEventOf = (email: StoredEmail): EventBridgeEvent<string, unknown> | undefined => {
  const header = email.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value ?? '';
  const named = UNSUBSCRIBE.exec(header);
  const to = email.destination.to[0];
  if (!named || !to) return undefined;
  return toEventBridgeEvent({
    detail: {
      eventType: 'Send',
      mail: {
        messageId: email.messageId,
        timestamp: new Date(email.at).toISOString(),
        destination: [to],
        tags: { [WAVE_TAG]: [named[1]], [CONTACT_TAG]: [named[2]] },
      },
    },
  });
};

/** Announces every accepted email not announced yet; returns how many it announced. */
export const mirrorSends = async (sesUrl: string, handler: Handler, seen: Set<string>): Promise<number> => {
  const res = await fetch(`${sesUrl}/store`);
  const { emails } = (await res.json()) as { emails: StoredEmail[] };
  let announced = 0;
  for (const email of emails) {
    if (seen.has(email.messageId)) continue;
    const event = sendEventOf(email);
    if (event) {
      await handler(event, lambdaContext('sesEvents'));
      announced++;
    }
    seen.add(email.messageId);
  }
  return announced;
};

/** Polls the emulator every `intervalMs`, as SES's events arrive within seconds. */
export const startSesMirror = (o: {
  sesUrl: string;
  handler: Handler;
  intervalMs?: number;
  log?: (message: string) => void;
}) => {
  const seen = new Set<string>();
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => mirrorSends(o.sesUrl, o.handler, seen))
      .catch((error: unknown) => o.log?.(`[local] SES send events: ${(error as Error).message}`));
  }, o.intervalMs ?? 1_000);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
