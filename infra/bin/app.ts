import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { NpsStack } from '../stack.ts';

const app = new App();
new NpsStack(app, 'NpsSurveys');
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
