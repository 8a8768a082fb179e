import { Duration, SecretValue, Validations } from 'aws-cdk-lib';
import {
  ApiDestination,
  Authorization,
  Connection,
  EventField,
  HttpMethod,
  type IEventBus,
  Rule,
  RuleTargetInput,
} from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ALERT_TRIGGERS,
  type AlertTrigger,
  checkWebhookUrl,
  WEBHOOK_FORMATS,
} from '../../shared/alerts/subscriptions.ts';
import { EVENT_SOURCE, EVENT_TYPES } from '../../shared/events/catalog.ts';

/**
 * A webhook known when the stack is deployed (`-c nps:webhooks='[…]'`): EventBridge delivers it itself, with
 * an API destination and a connection, instead of the `deliverWebhooks` function that serves `nps alert add`.
 */
export interface WebhookSpec {
  /** Letters, digits and dashes: names the rule, the connection and the destination. */
  name: string;
  /** https only; never link-local or a metadata address. */
  url: string;
  /** Which answers it gets. */
  on: readonly AlertTrigger[];
  /** `slack` posts `{"text": …}` with the score and the comment; `json` the ResponseDetails detail as is. */
  format: (typeof WEBHOOK_FORMATS)[number];
  /**
   * A header the endpoint wants on every call and the Secrets Manager secret holding its value (e.g.
   * `Authorization` and `nps/webhooks/crm`). Without one, the connection sends only `x-nps-source`.
   */
  auth?: { header: string; secretName: string };
  /** Calls per second at most (EventBridge queues the rest); default 10. */
  ratePerSecond?: number;
}

/** Reads and checks `nps:webhooks`: a clear error naming the webhook and the field, at synth time. */
export const parseWebhooks = (value: unknown): WebhookSpec[] => {
  if (value === undefined) return [];
  const list: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(list)) throw new Error('Context nps:webhooks must be a JSON array of webhooks');
  const names = new Set<string>();
  return list.map((raw, i) => {
    const w = (raw ?? {}) as Partial<WebhookSpec>;
    const where = `nps:webhooks[${i}]`;
    if (typeof w.name !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(w.name) || names.has(w.name))
      throw new Error(`${where}.name must be a unique name of letters, digits and dashes`);
    names.add(w.name);
    const url = checkWebhookUrl(String(w.url ?? ''), { httpsOnly: true });
    const on = Array.isArray(w.on) ? w.on : [];
    if (on.length === 0 || !on.every((t) => (ALERT_TRIGGERS as readonly string[]).includes(t)))
      throw new Error(`${where}.on must list some of ${ALERT_TRIGGERS.join(', ')}`);
    const format = w.format ?? 'json';
    if (!WEBHOOK_FORMATS.includes(format)) throw new Error(`${where}.format must be json or slack`);
    if (w.auth && !(/^[A-Za-z0-9-]{1,64}$/.test(w.auth.header ?? '') && w.auth.secretName))
      throw new Error(`${where}.auth needs a header name and a secretName`);
    const rate = w.ratePerSecond ?? 10;
    if (!Number.isInteger(rate) || rate < 1 || rate > 300)
      throw new Error(`${where}.ratePerSecond must be a whole number from 1 to 300`);
    return { name: w.name, url, on, format, ...(w.auth ? { auth: w.auth } : {}), ratePerSecond: rate };
  });
};

/** The part of a ResponseDetails event a trigger matches (EventBridge content filtering). */
const patternOf = (on: AlertTrigger): Record<string, unknown> =>
  on === 'referral'
    ? { data: { category: ['promoter'], answers: { referralConsent: [true] } } }
    : { data: { category: [on] } };

/**
 * Deploy-time webhooks: per webhook a connection (its auth header from Secrets Manager), an API destination
 * (rate-limited), and one rule per trigger on the pipeline's bus for ResponseDetails, retried for up to six
 * hours with backoff and then kept in an encrypted dead-letter queue. Each call carries
 * `x-nps-delivery-id` (the event's id) for de-duplication.
 */
export class WebhookDestinations extends Construct {
  readonly deadLetterQueue: Queue | undefined;
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: { bus: IEventBus; webhooks: readonly WebhookSpec[] }) {
    super(scope, id);
    if (props.webhooks.length === 0) return;
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the webhook rules’ targets; a queue behind it would have nothing to catch.',
    });
    for (const hook of props.webhooks) {
      const connection = new Connection(this, `${hook.name}Connection`, {
        description: `Webhook ${hook.name}`,
        authorization: hook.auth
          ? Authorization.apiKey(hook.auth.header, SecretValue.secretsManager(hook.auth.secretName))
          : // EventBridge connections always authorise; an endpoint without auth sees only this header.
            Authorization.apiKey('x-nps-source', SecretValue.unsafePlainText(EVENT_SOURCE)),
      });
      const destination = new ApiDestination(this, `${hook.name}Destination`, {
        description: `Webhook ${hook.name}`,
        connection,
        endpoint: hook.url,
        httpMethod: HttpMethod.POST,
        rateLimitPerSecond: hook.ratePerSecond ?? 10,
      });
      const data = (path: string) => EventField.fromPath(`$.detail.data.${path}`);
      const input =
        hook.format === 'slack'
          ? RuleTargetInput.fromObject({
              text: `*${data('category')}*: ${data('score')} of 10 (${data('kind')}, ${data('locale')})\n> ${data('answers.reason')}\n> ${data('answers.improve')}\n> ${data('answers.referral')}`,
            })
          : RuleTargetInput.fromEventPath('$.detail');
      for (const on of hook.on) {
        const rule = new Rule(this, `${hook.name}${on}Rule`, {
          eventBus: props.bus,
          description: `Webhook ${hook.name}: ${on} answers`,
          eventPattern: {
            source: [EVENT_SOURCE],
            detailType: [EVENT_TYPES.responseDetails],
            detail: patternOf(on),
          },
        });
        rule.addTarget(
          new ApiDestinationTarget(destination, {
            event: input,
            headerParameters: { 'x-nps-delivery-id': '$.detail.metadata.id' },
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
          }),
        );
        this.rules.push(rule);
      }
    }
  }
}
