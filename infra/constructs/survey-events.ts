import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/events/response-events.ts';

/**
 * The bus response events go to (docs/events.md): teams add their own rules on it (a detractor to Slack, a
 * referral to the CRM). An archive of its own events keeps 30 days, so a new consumer can be replayed in.
 */
export class SurveyEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'NPS survey response events (docs/events.md)' });
    this.bus.archive('Archive', {
      description: 'Response events of the last 30 days, for replay to a new consumer',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(30),
    });
    this.bus.applyRemovalPolicy(RemovalPolicy.DESTROY);
  }
}
