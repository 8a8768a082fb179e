/**
 * The local stand-in for SES → EventBridge → the sesEvents function: `POST /_local/ses-events` with an
 * EventBridge event (or just its `detail`) invokes the same handler with the shape EventBridge delivers.
 * Which events are accepted comes from the function's trigger in `infra/system.ts`, as the CDK rule does.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { FUNCTIONS } from '../system.ts';
import { type Handler, lambdaContext } from './lambda.ts';

export const SES_EVENTS_PATH = '/_local/ses-events';

const trigger = FUNCTIONS.sesEvents.trigger;

/** SES's eventType → EventBridge detail-type, as SES publishes them. */
const DETAIL_TYPES: Readonly<Record<string, string>> = {
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Delivery: 'Email Delivered',
  Send: 'Email Sent',
  Reject: 'Email Rejected',
};

export class SesEventShapeError extends Error {
  override name = 'SesEventShapeError';
}

/** Completes a posted event to EventBridge's envelope; throws on one the rule would not deliver. */
export const toEventBridgeEvent = (posted: unknown): EventBridgeEvent<string, unknown> | undefined => {
  if (!posted || typeof posted !== 'object') throw new SesEventShapeError('the body must be a JSON object');
  const body = posted as Record<string, unknown>;
  const detail = ('detail' in body ? body.detail : body) as { eventType?: unknown } | undefined;
  if (!detail || typeof detail !== 'object' || typeof detail.eventType !== 'string') {
    throw new SesEventShapeError('expected an SES event: { "detail": { "eventType": "Bounce", … } }');
  }
  if (body.source !== undefined && body.source !== 'aws.ses')
    throw new SesEventShapeError(`source must be "aws.ses", not ${JSON.stringify(body.source)}`);
  const detailType =
    typeof body['detail-type'] === 'string' ? body['detail-type'] : DETAIL_TYPES[detail.eventType];
  // The EventBridge rule only forwards these; anything else never reaches the function in AWS either.
  if (!detailType || !(trigger.detailTypes as readonly string[]).includes(detailType)) return undefined;
  return {
    version: '0',
    id: typeof body.id === 'string' ? body.id : randomUUID(),
    'detail-type': detailType,
    source: 'aws.ses',
    account: typeof body.account === 'string' ? body.account : '000000000000',
    time: typeof body.time === 'string' ? body.time : new Date().toISOString(),
    region: typeof body.region === 'string' ? body.region : process.env.AWS_REGION || 'eu-west-1',
    resources: Array.isArray(body.resources) ? (body.resources as string[]) : [],
    detail,
  };
};

/** Handles one posted event: 202 when delivered, 204 when the rule would have filtered it out. */
export const deliverSesEvent = async (
  handler: Handler,
  rawBody: string,
): Promise<{ statusCode: number; body: string }> => {
  let event: EventBridgeEvent<string, unknown> | undefined;
  try {
    event = toEventBridgeEvent(JSON.parse(rawBody));
  } catch (error) {
    const message = error instanceof SyntaxError ? 'the body is not JSON' : (error as Error).message;
    return { statusCode: 400, body: JSON.stringify({ error: message }) };
  }
  if (!event) return { statusCode: 204, body: '' };
  const result = await handler(event, lambdaContext('sesEvents'));
  return { statusCode: 202, body: JSON.stringify(result ?? {}) };
};
