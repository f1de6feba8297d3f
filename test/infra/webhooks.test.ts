/**
 * Webhook delivery in the synthesized stack: the delivery and fan-out queues with their dead-letter
 * queues, and least privilege on the secrets key: only the deliverer may decrypt, the routes that create
 * or rotate a secret may only encrypt, and no other principal touches the key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { buildStack } from '../../infra/synth';
import { allStatements, logicalId, ofType, type Resources } from './template-helpers';

let resources: Resources;
let keyId = '';
let fanOutQueueId = '';
let busId = '';
let fanOutDlqId = '';

beforeAll(() => {
  const { stack } = buildStack();
  resources = Template.fromStack(stack).toJSON().Resources as Resources;
  keyId = logicalId(stack, stack.webhookDelivery.key);
  fanOutQueueId = logicalId(stack, stack.webhookDelivery.fanOutQueue);
  busId = logicalId(stack, stack.events.bus);
  fanOutDlqId = logicalId(stack, stack.webhookDelivery.fanOutDeadLetterQueue);
});

const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();
const onKey = (statement: { Resource?: unknown }) => JSON.stringify(statement.Resource ?? '').includes(keyId);

describe('webhook delivery (CDK)', () => {
  it('a rule on the domain-event bus feeds every event of the service to the fan-out queue', () => {
    const rules = ofType(resources, 'AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties?.EventBusName ?? '').includes(busId),
    );
    expect(rules).toHaveLength(1);
    const [[, rule]] = rules as [[string, { Properties: { EventPattern: unknown; Targets: unknown[] } }]];
    expect(rule.Properties.EventPattern).toEqual({ source: ['partnerships'] });
    expect(JSON.stringify(rule.Properties.Targets)).toContain(fanOutQueueId);
    // What the rule cannot put on the queue goes to the fan-out's dead-letter queue (alarmed).
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [fanOutDlqId, 'Arn'] } } }),
    ]);
  });

  it('only the deliverer can decrypt webhook secrets; create/rotate routes only encrypt', () => {
    const kms = allStatements(resources).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('kms:')));
    const decrypting = new Set(kms.filter(({ statement }) => actionsOf(statement).includes('kms:Decrypt')).map((k) => k.owner));
    expect(decrypting.size).toBe(1);
    expect([...decrypting][0]).toMatch(/^WebhookDeliveryDeliverer/);
    const encrypting = kms.filter(({ statement }) => onKey(statement) && actionsOf(statement).includes('kms:Encrypt'));
    expect(encrypting.length).toBeGreaterThan(0);
    for (const { statement } of encrypting) expect(actionsOf(statement)).not.toContain('kms:Decrypt');
    // The key policy itself grants no one but the account root (IAM decides).
    const [[, key]] = ofType(resources, 'AWS::KMS::Key') as [[string, { Properties: { EnableKeyRotation: boolean } }]];
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('has the delivery and fan-out queues, each with a dead-letter queue after 5 receives', () => {
    const queues = ofType(resources, 'AWS::SQS::Queue');
    const redriven = queues.filter(([, q]) => q.Properties?.RedrivePolicy);
    expect(redriven.length).toBeGreaterThanOrEqual(2);
    for (const [, q] of redriven) expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('WebhookDelivery'),
    );
    expect(mappings).toHaveLength(2);
    for (const [, m] of mappings) expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});
