/** CDK entry point (`npx cdk synth`, `npx cdk deploy`). */
import { App } from 'aws-cdk-lib';
import { PartnershipsStack } from './stack';
import { STACK_NAME } from './synth';

const app = new App();
new PartnershipsStack(app, STACK_NAME, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
