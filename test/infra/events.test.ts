/**
 * The domain event path of the stack (infra/constructs/event-bus.ts): a custom bus, the stream
 * consumer filtered to EVENT inserts with partial batch failures and a DLQ (alarmed), and
 * least-privilege IAM: events:PutEvents on that bus only, nothing else may put events.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack } from '../../infra/synth';
import type { PartnershipsStack } from '../../infra/stack';
import { type Resources, allStatements, functionActions, logicalId, ofType, roleStatements, functionRoleId } from './template-helpers';

let stack: PartnershipsStack;
let resources: Resources;
let publisherId: string;
let busId: string;
let dlqId: string;

beforeAll(() => {
  ({ stack } = buildStack());
  resources = Template.fromStack(stack).toJSON().Resources;
  publisherId = logicalId(stack, stack.events.publisher);
  busId = logicalId(stack, stack.events.bus);
  dlqId = logicalId(stack, stack.events.deadLetterQueue);
});

describe('domain events on EventBridge', () => {
  it('creates one custom event bus and gives the publisher its name', () => {
    expect(ofType(resources, 'AWS::Events::EventBus')).toHaveLength(1);
    expect(resources[publisherId]?.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
  });

  it('the publisher reads the table stream: INSERTs of EVENT items, partial batch failures, bisect, bounded retries, DLQ', () => {
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties)
      .filter((p) => p.FunctionName?.Ref === publisherId);
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0];
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'StreamArn'] });
    expect(mapping).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
    const pattern = JSON.parse(mapping.FilterCriteria.Filters[0].Pattern);
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['EVENT'] } } } });
  });

  it('least privilege: events:PutEvents on this bus only, by the publisher only; no table writes', () => {
    const puts = roleStatements(resources, functionRoleId(resources, publisherId)).filter((s) => s.Action.includes('events:PutEvents'));
    expect(puts).toEqual([{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: [{ 'Fn::GetAtt': [busId, 'Arn'] }] }]);
    const anywhere = allStatements(resources).filter(({ statement }) =>
      statement.Action.some((a) => a === 'events:PutEvents' || a === 'events:*'),
    );
    expect(anywhere).toHaveLength(1);
    const actions = [...functionActions(resources, publisherId)];
    expect(actions.filter((a) => a.startsWith('dynamodb:') && !/Stream|ListStreams|GetRecords|GetShardIterator/.test(a))).toEqual([]);
  });

  it('the dead-letter queue is alarmed', () => {
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const onDlq = alarms.filter((a) => JSON.stringify(a.Dimensions ?? a.Metrics ?? []).includes(dlqId));
    expect(onDlq.length).toBeGreaterThan(0);
    expect(onDlq[0].AlarmDescription).toMatch(/Runbook: docs\/OPERATIONS\.md#event-dead-letters$/);
  });
});
