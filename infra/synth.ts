/**
 * Builds the stack in memory, for tests and for the local runtime (which runs the state machine
 * definition synthesized here). `bundle: false` skips esbuild bundling: the template is the same
 * except for asset hashes.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PartnershipsStack } from './stack';

export const STACK_NAME = 'PartnershipsService';

export function buildStack(options: { bundle?: boolean; context?: Record<string, unknown> } = {}) {
  const app = new App({
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stack = new PartnershipsStack(app, STACK_NAME, { env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

/** The synthesized CloudFormation template as JSON (typed as aws-cdk-lib's Template.toJSON() types it). */
export function synthTemplate(options: { context?: Record<string, unknown> } = {}): ReturnType<Template['toJSON']> {
  const { stack } = buildStack({ bundle: false, context: options.context });
  return Template.fromStack(stack).toJSON();
}
