import { type CfnElement, Duration, Fn, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  FilterCriteria,
  FilterRule,
  type FunctionUrl,
  FunctionUrlAuthType,
  InvokeMode,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '#shared/events/catalog.ts';
import {
  ENV,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  type Schedule as ScheduleSpec,
  type Trigger,
} from '../system.ts';
import type { DataStore } from './data-store.ts';
import { SurveyEvents } from './survey-events.ts';
import { SurveyFunction } from './survey-function.ts';

export interface SurveyFunctionsProps {
  readonly dataStore: DataStore;
  /** The sender address of every email (`nps:fromAddress`). */
  readonly fromAddress: string;
  /** IANA time zone of weekly schedules and digest periods (`nps:digestTimeZone`). */
  readonly digestTimeZone: string;
}

/**
 * The stateless part: one function per entry of `FUNCTIONS`, its grants derived from the entry, and its
 * trigger (Function URL, EventBridge Scheduler, DynamoDB stream or SES events) wired from the entry.
 */
export class SurveyFunctions extends Construct {
  readonly functions: Record<FunctionName, SurveyFunction>;
  /** The bus response events are published to. */
  readonly events: SurveyEvents;
  /** The public survey endpoint, `https://<id>.lambda-url.<region>.on.aws/`. */
  readonly surveyUrl: FunctionUrl;
  /** The own URLs of the http functions with a `mount` (the console), by function. */
  readonly mountedUrls: Partial<Record<FunctionName, FunctionUrl>> = {};

  constructor(scope: Construct, id: string, props: SurveyFunctionsProps) {
    super(scope, id);
    const { dataStore } = props;
    this.events = new SurveyEvents(this, 'Events');
    // The retention period in months (`-c nps:retentionMonths=36`); without it the code's default (24) holds.
    const retentionContext: unknown = this.node.tryGetContext('nps:retentionMonths');
    const retentionMonths = retentionContext === undefined ? undefined : String(retentionContext);
    if (retentionMonths !== undefined && !/^[1-9]\d{0,3}$/.test(retentionMonths))
      throw new Error(`Context nps:retentionMonths must be a whole number of months, got ${retentionMonths}`);

    const functions: Partial<Record<FunctionName, SurveyFunction>> = {};
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const fn = new SurveyFunction(this, name, { spec });
      fn.bindTable(dataStore.table, (spec as FunctionSpec).table);
      const reserved = (spec as FunctionSpec).reservedConcurrency;
      if (reserved !== undefined) fn.reserveConcurrency(reserved);
      if ((spec as FunctionSpec).appliesRetention && retentionMonths !== undefined)
        fn.lambda.addEnvironment(ENV.retentionMonths, retentionMonths);
      if (spec.sendsEmail)
        fn.bindEmail(dataStore.emailIdentity, dataStore.configurationSet, props.fromAddress);
      if (spec.signsLinks) fn.bindSecret(dataStore.linkSigningKeys);
      if ((spec as FunctionSpec).publishesEvents) fn.bindEventBus(this.events.bus);
      fn.lambda.addEnvironment(ENV.digestTimeZone, props.digestTimeZone);
      functions[name] = fn;
    }
    this.functions = functions as Record<FunctionName, SurveyFunction>;

    let surveyUrl: FunctionUrl | undefined;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const url = this.wireTrigger(name, this.functions[name], spec.trigger as Trigger, props);
      if (url && (spec.trigger as Trigger & { kind: 'http' }).mount) this.mountedUrls[name] = url;
      else if (url) {
        if (surveyUrl)
          throw new Error(`Two http functions in FUNCTIONS; the survey URL must be one (${name})`);
        surveyUrl = url;
      }
    }
    if (!surveyUrl) throw new Error('No http function in FUNCTIONS: the survey pages need one');
    this.surveyUrl = surveyUrl;

    // Signed links point at the survey pages (and the console's previews show them). The survey pages' own
    // function is left out: its own URL would be a circular reference, and it answers on the host the request
    // came to anyway.
    const publicBaseUrl = Fn.join('', ['https://', Fn.select(2, Fn.split('/', surveyUrl.url))]);
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const trigger = spec.trigger as Trigger;
      const surveyPages = trigger.kind === 'http' && !trigger.mount;
      if ((spec.signsLinks || (spec as FunctionSpec).linksToSurvey) && !surveyPages) {
        this.functions[name].lambda.addEnvironment(ENV.publicBaseUrl, publicBaseUrl);
      }
    }
  }

  private wireTrigger(
    name: FunctionName,
    fn: SurveyFunction,
    trigger: Trigger,
    props: SurveyFunctionsProps,
  ): FunctionUrl | undefined {
    switch (trigger.kind) {
      case 'http': {
        // Public by design: score and unsubscribe links are opened by anonymous recipients. Every request
        // is authorised by the signed token in its link, not by the caller. A mounted app (the console)
        // authorises each request itself: its session, role, origin and CSRF token.
        const url = fn.lambda.addFunctionUrl({
          authType: FunctionUrlAuthType.NONE,
          invokeMode: InvokeMode.BUFFERED,
        });
        return url;
      }
      case 'schedule': {
        // An own role per schedule, so the finding acknowledged below is exactly this function's.
        const role = new Role(this, `${name}ScheduleRole`, {
          assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
            conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
          }),
        });
        new Schedule(this, `${name}Schedule`, {
          description: `${FUNCTIONS[name].description} (${describeSchedule(trigger.schedule)})`,
          schedule: scheduleExpression(trigger.schedule, props.digestTimeZone),
          target: new LambdaInvoke(fn.lambda, { role }),
        });
        const functionLogicalId = Stack.of(this).getLogicalId(fn.lambda.node.defaultChild as CfnElement);
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
          reason:
            'lambda:InvokeFunction on <function ARN>:* covers the versions and aliases of this one function, which EventBridge Scheduler may invoke.',
        });
        return undefined;
      }
      case 'stream': {
        fn.lambda.addEventSource(
          new DynamoEventSource(props.dataStore.table, {
            // TRIM_HORIZON: a new or redeployed mapping starts from the oldest record it still has, so no
            // response written meanwhile is missed.
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: trigger.batchSize,
            maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
            retryAttempts: trigger.retryAttempts,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            onFailure: new SqsDlq(failureQueue(this, `${name}Failures`)),
            filters: [
              ...trigger.sortKeyPrefixes.map((prefix) =>
                FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(prefix) } } } }),
              ),
              ...(trigger.alsoWhen ?? []).map((f) =>
                FilterCriteria.filter({
                  dynamodb: {
                    Keys: {
                      ...(f.partitionKeyPrefix
                        ? { pk: { S: FilterRule.beginsWith(f.partitionKeyPrefix) } }
                        : {}),
                      ...(f.sortKeyPrefix ? { sk: { S: FilterRule.beginsWith(f.sortKeyPrefix) } } : {}),
                    },
                    ...(f.newImage
                      ? {
                          NewImage: Object.fromEntries(
                            Object.entries(f.newImage).map(([name, value]) => [
                              name,
                              { S: FilterRule.isEqual(value) },
                            ]),
                          ),
                        }
                      : {}),
                  },
                }),
              ),
            ],
          }),
        );
        return undefined;
      }
      case 'sesEvents': {
        new Rule(this, `${name}Rule`, {
          description: FUNCTIONS[name].description,
          eventPattern: {
            source: ['aws.ses'],
            detailType: [...trigger.detailTypes],
            // Only our configuration set's events, not those of other senders in the account.
            detail: {
              mail: {
                tags: { 'ses:configuration-set': [props.dataStore.configurationSet.configurationSetName] },
              },
            },
          },
          targets: [
            new LambdaFunction(fn.lambda, { deadLetterQueue: failureQueue(this, `${name}Failures`) }),
          ],
        });
        return undefined;
      }
      case 'responseEvents': {
        new Rule(this, `${name}Rule`, {
          description: FUNCTIONS[name].description,
          eventBus: this.events.bus,
          eventPattern: { source: [EVENT_SOURCE], detailType: [...trigger.detailTypes] },
          targets: [
            new LambdaFunction(fn.lambda, {
              deadLetterQueue: failureQueue(this, `${name}Failures`),
              retryAttempts: 8,
              maxEventAge: Duration.hours(6),
            }),
          ],
        });
        return undefined;
      }
      default: {
        const unknown: never = trigger;
        throw new Error(`Unknown trigger ${JSON.stringify(unknown)}`);
      }
    }
  }
}

function scheduleExpression(schedule: ScheduleSpec, timeZone: string): ScheduleExpression {
  switch (schedule.kind) {
    case 'rate':
      return ScheduleExpression.rate(Duration.minutes(schedule.minutes));
    case 'daily':
      return ScheduleExpression.cron({
        hour: String(schedule.hour),
        minute: String(schedule.minute),
        timeZone: TimeZone.of(timeZone),
      });
    case 'weekly':
      return ScheduleExpression.cron({
        weekDay: schedule.weekDay,
        hour: String(schedule.hour),
        minute: String(schedule.minute),
        timeZone: TimeZone.of(timeZone),
      });
  }
}

function describeSchedule(schedule: ScheduleSpec): string {
  if (schedule.kind === 'rate') return `every ${schedule.minutes} min`;
  const time = `${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')}`;
  return schedule.kind === 'daily' ? `daily ${time}` : `${schedule.weekDay} ${time}`;
}

/** Where events that failed every retry wait to be inspected and replayed. */
function failureQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the failure destination (dead-letter queue) of a Lambda trigger; a queue behind it would have nothing to catch.',
  });
  return queue;
}
