/**
 * CDK entry point (`npx cdk synth`, `npx cdk deploy`). Every synth runs the cdk-nag AwsSolutions
 * pack: an unacknowledged error stops it. Acknowledgements live next to the resources they concern,
 * each with its reason (see docs/DEPLOY.md).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PartnershipsStack } from './stack';
import { STACK_NAME } from './synth';

const app = new App();
new PartnershipsStack(app, STACK_NAME, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Partnerships service: cross-organization collaboration API (HTTP API, Lambda, DynamoDB, Step Functions)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
