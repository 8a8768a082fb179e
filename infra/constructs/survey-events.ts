import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { ARCHIVED_EVENT_TYPES, EVENT_SOURCE } from '../../shared/events/catalog.ts';

/**
 * The bus response events go to (docs/events.md): teams add their own rules on it (a detractor to Slack, a
 * referral to the CRM). An archive keeps 30 days of the event types that carry no personal data, so a new
 * consumer can be replayed in; ResponseDetails (address, name, answers) is only ever in flight.
 */
export class SurveyEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'NPS survey response events (docs/events.md)' });
    this.bus.archive('Archive', {
      description: 'Response and erasure events of the last 30 days (no personal data), for replay',
      eventPattern: { source: [EVENT_SOURCE], detailType: [...ARCHIVED_EVENT_TYPES] },
      retention: Duration.days(30),
    });
    this.bus.applyRemovalPolicy(RemovalPolicy.DESTROY);
  }
}
