import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { TABLE } from '../system.ts';

export interface DataStoreProps {
  /** The SES identity the survey and digest emails are sent from (a domain, e.g. `example.com`). */
  readonly senderDomain: string;
}

/** The key id of the first link-signing key; links carry their key id so a new key can be added beside it. */
export const FIRST_LINK_KEY_ID = 'k1';

/**
 * Everything that outlives a deployment: the table, the link-signing keys and the SES sending identity.
 * Kept apart from the functions so that replacing those can never touch data.
 */
export class DataStore extends Construct {
  readonly table: Table;
  readonly linkSigningKeys: Secret;
  readonly emailIdentity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);

    this.table = new Table(this, TABLE.name, {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType[TABLE.stream],
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType[index.projection],
      });
    }

    // JSON keyed by key id: {"k1":"<64 chars>"}. Rotation adds "k2" and signs with it; "k1" keeps verifying.
    this.linkSigningKeys = new Secret(this, 'LinkSigningKeys', {
      description: 'HMAC keys that sign survey and unsubscribe links, by key id',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: FIRST_LINK_KEY_ID,
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.linkSigningKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Link-signing keys rotate by adding a new key id to the JSON and signing with it while older ids keep verifying links already in inboxes; a rotation Lambda that replaces the value would break every link in flight.',
    });

    // No open or click events: SES would rewrite every link (the score links included) through its tracker.
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', { reputationMetrics: true });
    this.configurationSet.addEventDestination('ToEventBridge', {
      // SES publishes to the account's default bus only.
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      // SEND: which claims SES accepted, so a sender that died mid-call is settled, not repeated (acceptance.ts).
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.REJECT,
      ],
    });

    this.emailIdentity = new EmailIdentity(this, 'SenderIdentity', {
      identity: Identity.domain(props.senderDomain),
      configurationSet: this.configurationSet,
    });
  }
}
