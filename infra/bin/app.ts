import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { NpsStack } from '../stack.ts';
import { stackName } from '../system.ts';

const app = new App();
// One stack per stage: `-c nps:stage=prod` deploys NpsSurveys-prod beside the default NpsSurveys.
const stage: unknown = app.node.tryGetContext('nps:stage');
new NpsStack(app, stackName(typeof stage === 'string' ? stage : undefined));
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
