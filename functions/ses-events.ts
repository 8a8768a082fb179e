/**
 * SES events (through EventBridge): a bounce or complaint suppresses the contact so it is never mailed again;
 * a send settles the claim of the recipient the email was for (`#shared/sending/acceptance.ts`).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { contactIdOf, markSuppressed, normaliseEmail } from '#shared/contacts/contacts.ts';
import { digestTimeZone, tableName } from '#shared/core/config.ts';
import { acceptanceOf, recordAcceptance } from '#shared/sending/acceptance.ts';
import { awsClients, logger, tracer } from './commons/runtime.ts';

interface SesEventDetail {
  eventType?: string;
  mail?: {
    destination?: string[];
    messageId?: string;
    timestamp?: string;
    tags?: Record<string, string[] | undefined>;
  };
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
  complaint?: { complainedRecipients?: { emailAddress?: string }[] };
}

export const suppressFromEvent = async (
  event: EventBridgeEvent<string, SesEventDetail>,
): Promise<{ suppressed: number; accepted?: string }> => {
  const detail = event.detail ?? {};
  // SES took an email: the claim it answers is settled as sent, whatever became of the sender that made it.
  if (detail.eventType === 'Send') {
    const acceptance = acceptanceOf(detail);
    if (!acceptance) return { suppressed: 0 };
    const accepted = await recordAcceptance(
      { ddb: awsClients().ddb, table: tableName(), timeZone: digestTimeZone() },
      acceptance,
    );
    return { suppressed: 0, accepted };
  }
  let reason: 'bounced' | 'complained' | undefined;
  let addresses: (string | undefined)[] = [];
  if (detail.eventType === 'Bounce' && detail.bounce?.bounceType === 'Permanent') {
    reason = 'bounced';
    addresses = (detail.bounce.bouncedRecipients ?? []).map((r) => r.emailAddress);
  } else if (detail.eventType === 'Complaint') {
    reason = 'complained';
    addresses = (detail.complaint?.complainedRecipients ?? []).map((r) => r.emailAddress);
  }
  if (!reason) return { suppressed: 0 };
  const at = new Date(event.time || Date.now());
  let suppressed = 0;
  for (const raw of addresses) {
    const email = raw ? normaliseEmail(raw) : undefined;
    if (!email) continue;
    // Idempotent: duplicate and out-of-order events keep the first reason and time.
    await markSuppressed(awsClients().ddb, tableName(), contactIdOf(email), reason, at);
    suppressed++;
  }
  logger.info('Suppressed contacts from an SES event', { reason, suppressed });
  return { suppressed };
};

export const handler = middy<
  EventBridgeEvent<string, SesEventDetail>,
  { suppressed: number; accepted?: string }
>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .handler(suppressFromEvent);
