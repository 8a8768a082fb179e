import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConsoleUsers } from './constructs/console.ts';
import { ConsoleUploads } from './constructs/console-uploads.ts';
import { DataStore } from './constructs/data-store.ts';
import { SurveyFunctions } from './constructs/survey-functions.ts';
import { parseWebhooks, WebhookDestinations } from './constructs/webhook-destinations.ts';
import { ENV, FUNCTIONS, type FunctionSpec, STACK } from './system.ts';

/**
 * The whole pipeline, derived from `infra/system.ts`. Context (defaults in cdk.json):
 * `nps:fromAddress`, `nps:digestTimeZone`, and optionally `nps:senderDomain` (else the domain of the address)
 * and `nps:stage` (bin/app.ts names the stack after it).
 */
export class NpsStack extends Stack {
  readonly dataStore: DataStore;
  readonly surveyFunctions: SurveyFunctions;
  readonly consoleUsers: ConsoleUsers;
  readonly consoleUploads: ConsoleUploads;
  readonly webhooks: WebhookDestinations;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const fromAddress = this.requireContext('nps:fromAddress');
    const digestTimeZone = this.requireContext('nps:digestTimeZone');
    const senderDomain = this.optionalContext('nps:senderDomain') ?? domainOf(fromAddress);

    this.dataStore = new DataStore(this, 'DataStore', { senderDomain });
    this.surveyFunctions = new SurveyFunctions(this, 'Functions', {
      dataStore: this.dataStore,
      fromAddress,
      digestTimeZone,
    });

    // Webhooks known at deploy time (`-c nps:webhooks='[…]'`) go out through EventBridge API destinations;
    // those added later with `nps alert add` through the deliverWebhooks function.
    this.webhooks = new WebhookDestinations(this, 'Webhooks', {
      bus: this.surveyFunctions.events.bus,
      webhooks: parseWebhooks(this.node.tryGetContext('nps:webhooks')),
    });

    const consoleUrl = this.surveyFunctions.mountedUrls.consoleHttp;
    if (!consoleUrl) throw new Error('FUNCTIONS.consoleHttp has no Function URL');
    this.consoleUsers = new ConsoleUsers(this, 'Console', {
      function: this.surveyFunctions.functions.consoleHttp,
      url: consoleUrl,
    });
    // Emails that link to the console (owner alerts) get its address.
    for (const [name, spec] of Object.entries(FUNCTIONS))
      if ((spec as FunctionSpec).linksToConsole)
        this.surveyFunctions.functions[name as keyof typeof FUNCTIONS].lambda.addEnvironment(
          ENV.consoleUrl,
          this.consoleUsers.consoleUrl,
        );
    this.consoleUploads = new ConsoleUploads(this, 'Uploads', {
      functions: Object.entries(FUNCTIONS)
        .filter(([, spec]) => (spec as FunctionSpec).uploads)
        .map(([name]) => this.surveyFunctions.functions[name as keyof typeof FUNCTIONS]),
      consoleUrl,
    });

    // What `nps --stage …` reads to work against this stack (STACK.outputs).
    const outputs = STACK.outputs;
    new CfnOutput(this, outputs.surveyUrl, {
      description: 'Public survey endpoint (score links, follow-up pages, unsubscribe)',
      value: this.surveyFunctions.surveyUrl.url,
    });
    new CfnOutput(this, outputs.tableName, { value: this.dataStore.table.tableName });
    new CfnOutput(this, outputs.fromAddress, { value: fromAddress });
    new CfnOutput(this, outputs.configurationSet, {
      value: this.dataStore.configurationSet.configurationSetName,
    });
    new CfnOutput(this, outputs.digestTimeZone, { value: digestTimeZone });
    new CfnOutput(this, outputs.consoleUrl, {
      description: 'The marketing console (sign in with a user of the UserPoolId pool: nps user add)',
      value: this.consoleUsers.consoleUrl,
    });
    new CfnOutput(this, outputs.userPoolId, { value: this.consoleUsers.userPool.userPoolId });
    // The product surveys ask about unless a wave names its own: the console's default, and the CLI's.
    const product = this.optionalContext('nps:product');
    if (product) {
      this.surveyFunctions.functions.consoleHttp.lambda.addEnvironment(ENV.product, product);
      new CfnOutput(this, outputs.product, { value: product });
    }
  }

  private optionalContext(key: string): string | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new Error(`Context ${key} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
    return value.trim();
  }

  private requireContext(key: string): string {
    const value = this.optionalContext(key);
    if (value === undefined)
      throw new Error(`Context ${key} is missing (set it in cdk.json or with -c ${key}=…)`);
    return value;
  }
}

function domainOf(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!address.includes('@') || domain === '') {
    throw new Error(`nps:fromAddress must be an email address, got ${JSON.stringify(address)}`);
  }
  return domain;
}
