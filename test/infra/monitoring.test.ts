/**
 * SPEC §12 in the synthesized stack (bundling skipped): tracing on every function, the alarms and
 * their topic, the dashboard, the job's on-failure destination. Coverage is derived from the template
 * (every function, every queue), so it stays true as functions and queues are added.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS_PER_ALARM, Monitoring } from '../../infra/constructs/monitoring';
import { ServiceFunction } from '../../infra/constructs/service-function';
import type { PartnershipsStack } from '../../infra/stack';
import { buildStack, synthTemplate } from '../../infra/synth';
import { METRICS_NAMESPACE, MetricNames, SERVICE_NAME } from '../../shared/observability/metric-names';
import { TABLE } from '../../shared/store/table';
import { type Resources, functionRoleId, logicalId, ofType, roleStatements } from './template-helpers';

let stack: PartnershipsStack;
let resources: Resources;
let topicId: string;

beforeAll(() => {
  ({ stack } = buildStack());
  resources = Template.fromStack(stack).toJSON().Resources;
  topicId = logicalId(stack, stack.monitoring.topic);
});

interface MetricRef {
  namespace: string;
  name: string;
  dimensions: Record<string, unknown>;
  stat?: string;
  period?: number;
}

/** The metrics an alarm reads: its single metric, or every MetricStat of its metric-math query. */
function alarmMetrics(alarm: any): MetricRef[] {
  const p = alarm.Properties;
  const dims = (list: any[] = []) => Object.fromEntries(list.map((d) => [d.Name, d.Value]));
  if (p.MetricName)
    return [{ namespace: p.Namespace, name: p.MetricName, dimensions: dims(p.Dimensions), stat: p.Statistic, period: p.Period }];
  return (p.Metrics ?? [])
    .filter((m: any) => m.MetricStat)
    .map((m: any) => ({
      namespace: m.MetricStat.Metric.Namespace,
      name: m.MetricStat.Metric.MetricName,
      dimensions: dims(m.MetricStat.Metric.Dimensions),
      stat: m.MetricStat.Stat,
      period: m.MetricStat.Period,
    }));
}

const alarms = () => ofType(resources, 'AWS::CloudWatch::Alarm');
const alarmsReading = (namespace: string, name: string) =>
  alarms().filter(([, a]) => alarmMetrics(a).some((m) => m.namespace === namespace && m.name === name));
const alarmNamed = (suffix: string) => {
  const found = alarms().filter(([, a]) => a.Properties.AlarmName === `${stack.stackName}-${suffix}`);
  expect(found, suffix).toHaveLength(1);
  return found[0]![1];
};

describe('tracing', () => {
  it('has active X-Ray tracing on every Lambda function', () => {
    const functions = ofType(resources, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(50);
    for (const [id, fn] of functions) expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
  });

  it('keeps tracing on the state machine', () => {
    const [, sm] = ofType(resources, 'AWS::StepFunctions::StateMachine')[0]!;
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('grants the X-Ray write actions, on "*" only, and nothing else in that statement', () => {
    for (const [id] of ofType(resources, 'AWS::Lambda::Function')) {
      const xray = roleStatements(resources, functionRoleId(resources, id)).filter((s) => s.Action.some((a) => a.startsWith('xray:')));
      expect(xray, id).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] }]);
    }
  });
});

describe('alarms', () => {
  it('sends every alarm (and its recovery) to the alarm topic', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms()) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.AlarmDescription, id).toMatch(/Runbook: docs\/OPERATIONS\.md#[a-z0-9-]+$/);
      expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
    }
  });

  it('points every alarm at a section of docs/OPERATIONS.md that exists', () => {
    const runbook = readFileSync(resolve(import.meta.dirname, '../../docs/OPERATIONS.md'), 'utf8');
    for (const [id, alarm] of alarms()) {
      const anchor = /#([a-z0-9-]+)$/.exec(alarm.Properties.AlarmDescription)![1];
      expect(runbook, `${id} -> #${anchor}`).toContain(`<a id="${anchor}"></a>`);
    }
  });

  it('reads at most 10 metrics per alarm (CloudWatch hard limit)', () => {
    for (const [id, alarm] of alarms()) expect(alarmMetrics(alarm).length, id).toBeLessThanOrEqual(FUNCTIONS_PER_ALARM);
  });

  it.each(['Errors', 'Throttles'])('covers every function with a %s alarm', (metric) => {
    const covering = alarmsReading('AWS/Lambda', metric);
    expect(covering.length).toBeGreaterThan(0);
    const covered = new Set(covering.flatMap(([, a]) => alarmMetrics(a).map((m) => JSON.stringify(m.dimensions.FunctionName))));
    for (const [id] of ofType(resources, 'AWS::Lambda::Function')) expect(covered.has(JSON.stringify({ Ref: id })), id).toBe(true);
    // Grouped: far fewer alarms than functions.
    expect(covering.length).toBe(Math.ceil(ofType(resources, 'AWS::Lambda::Function').length / FUNCTIONS_PER_ALARM));
    for (const [, a] of covering) expect(a.Properties.Metrics.find((m: any) => m.ReturnData).Expression).toMatch(/^SUM\(\[m0(,m\d)*\]\)$/);
  });

  it('has an alarm on every SQS queue not being empty, but the webhook work queues, late beyond 1800 s', () => {
    const workQueues = [stack.webhookDelivery.queue, stack.webhookDelivery.fanOutQueue].map((q) => logicalId(stack, q));
    const queues = ofType(resources, 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(2);
    for (const id of workQueues) {
      const covering = alarms().filter(([, a]) =>
        alarmMetrics(a).some((m) => JSON.stringify(m.dimensions.QueueName) === JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] })),
      );
      expect(covering, id).toHaveLength(1);
      expect(alarmMetrics(covering[0]![1]).map((m) => m.name)).toEqual(['ApproximateAgeOfOldestMessage']);
      expect(covering[0]![1].Properties).toMatchObject({ Threshold: 1800, ComparisonOperator: 'GreaterThanThreshold' });
    }
    for (const [id] of queues.filter(([q]) => !workQueues.includes(q))) {
      const covering = alarms().filter(([, a]) =>
        alarmMetrics(a).some(
          (m) =>
            m.name === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(m.dimensions.QueueName) === JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] }),
        ),
      );
      expect(covering, id).toHaveLength(1);
      expect(covering[0]![1].Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('alarms on the API 5xx rate as a share of the stage requests', () => {
    const alarm = alarmNamed('Api5xxRate');
    const apiId = { Ref: logicalId(stack, stack.httpApi.api) };
    const metrics = alarmMetrics(alarm);
    expect(metrics.map((m) => m.name).sort()).toEqual(['5xx', 'Count']);
    for (const m of metrics) expect(m.dimensions).toEqual({ ApiId: apiId, Stage: '$default' });
    const expression = alarm.Properties.Metrics.find((m: any) => m.ReturnData).Expression;
    expect(expression).toMatch(/100 \* FILL\(errors, 0\) \/ requests/);
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])('alarms on the state machine: %s', (metric) => {
    const alarm = alarmNamed(`Workflow${metric}`);
    expect(alarmMetrics(alarm)).toEqual([
      {
        namespace: 'AWS/States',
        name: metric,
        dimensions: { StateMachineArn: { Ref: logicalId(stack, stack.workflow.stateMachine) } },
        stat: 'Sum',
        period: 300,
      },
    ]);
  });

  it.each(['Read', 'Write'])('alarms on DynamoDB %s throttling of the table and every GSI', (kind) => {
    const alarm = alarmNamed(`Table${kind}Throttles`);
    const tableRef = { Ref: logicalId(stack, stack.table) };
    const metrics = alarmMetrics(alarm);
    expect(metrics.every((m) => m.name === `${kind}ThrottleEvents` && m.namespace === 'AWS/DynamoDB')).toBe(true);
    expect(metrics.map((m) => m.dimensions)).toEqual([
      { TableName: tableRef },
      ...Object.values(TABLE.indexes).map((i) => ({ TableName: tableRef, GlobalSecondaryIndexName: i.name })),
    ]);
  });

  it.each([
    ['WorkflowResumesReconciled', MetricNames.workflowResumesReconciled],
    ['WebhookEndpointsDisabled', MetricNames.webhookEndpointsDisabled],
  ])('alarms on the custom metric %s (any in the last hour)', (suffix, metricName) => {
    const alarm = alarmNamed(suffix);
    expect(alarmMetrics(alarm)).toEqual([
      { namespace: METRICS_NAMESPACE, name: metricName, dimensions: { service: SERVICE_NAME }, stat: 'Sum', period: 3600 },
    ]);
    expect(alarm.Properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
  });

  it('names the notification dead letters and the job failures alarms after their queues', () => {
    const queueOf = (suffix: string) => alarmMetrics(alarmNamed(suffix))[0]!.dimensions.QueueName;
    expect(queueOf('NotificationDeadLetters')).toEqual({
      'Fn::GetAtt': [logicalId(stack, stack.notificationDelivery.deadLetterQueue), 'QueueName'],
    });
    expect(queueOf('ScheduledJobFailed')).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.reminderSchedule.failures), 'QueueName'] });
  });
});

describe('scheduled job failures', () => {
  it('gives the job an asynchronous on-failure destination: its failures queue', () => {
    const configs = ofType(resources, 'AWS::Lambda::EventInvokeConfig');
    const jobId = logicalId(stack, stack.reminderSchedule.function);
    const queueArn = { 'Fn::GetAtt': [logicalId(stack, stack.reminderSchedule.failures), 'Arn'] };
    const mine = configs.filter(([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: jobId }));
    expect(mine).toHaveLength(1);
    expect(mine[0]![1].Properties).toMatchObject({
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    const send = roleStatements(resources, functionRoleId(resources, jobId)).filter((s) => s.Action.includes('sqs:SendMessage'));
    // Its failures queue, and the webhook delivery queue (the hourly backstop re-enqueues overdue deliveries).
    const webhookQueueArn = { 'Fn::GetAtt': [logicalId(stack, stack.webhookDelivery.queue), 'Arn'] };
    expect(send.map((s) => s.Resource)).toEqual(expect.arrayContaining([[queueArn], [webhookQueueArn]]));
    expect(send).toHaveLength(2);
  });

  it('sends schedule events EventBridge cannot deliver to the same queue', () => {
    const [, rule] = ofType(resources, 'AWS::Events::Rule')[0]!;
    expect(rule.Properties.Targets[0].DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [logicalId(stack, stack.reminderSchedule.failures), 'Arn'] },
    });
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotated customer key that CloudWatch may use, and refuses plain HTTP', () => {
    const [, topic] = ofType(resources, 'AWS::SNS::Topic')[0]!;
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = resources[keyId]!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    const [, policy] = ofType(resources, 'AWS::SNS::TopicPolicy')[0]!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
    );
  });

  it('has no subscriber by default, and an e-mail subscriber from context alarmEmail', () => {
    expect(ofType(resources, 'AWS::SNS::Subscription')).toHaveLength(0);
    const withEmail = synthTemplate({ context: { alarmEmail: 'oncall@example.com' } }).Resources as Resources;
    const subscriptions = ofType(withEmail, 'AWS::SNS::Subscription');
    expect(subscriptions.map(([, s]) => s.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: ofType(withEmail, 'AWS::SNS::Topic')[0]![0] } },
    ]);
    expect(() => synthTemplate({ context: { alarmEmail: 'not-an-address' } })).toThrow(/alarmEmail/);
  });
});

describe('dashboard', () => {
  it('is one dashboard showing the API, every function, the workflow, the queues, the table and the custom metrics', () => {
    const dashboards = ofType(resources, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    // The body is an Fn::Join of JSON text and tokens: flatten it, tokens as their JSON.
    const parts: unknown[] = dashboards[0]![1].Properties.DashboardBody['Fn::Join'][1];
    const body = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    for (const text of [
      'AWS/ApiGateway',
      '"Latency"',
      '"4xx"',
      '"5xx"',
      'AWS/States',
      'ExecutionsFailed',
      'AWS/SQS',
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
      'WriteThrottleEvents',
      METRICS_NAMESPACE,
      MetricNames.workflowResumesReconciled,
      MetricNames.webhookEndpointsDisabled,
      '"Duration"',
      '"Throttles"',
      'alarm',
    ]) {
      expect(body.includes(text), text).toBe(true);
    }
    for (const [id] of ofType(resources, 'AWS::Lambda::Function')) expect(body.includes(`{"Ref":"${id}"}`), id).toBe(true);
    for (const [id] of ofType(resources, 'AWS::SQS::Queue')) expect(body.includes(`{"Fn::GetAtt":["${id}","QueueName"]}`), id).toBe(true);
  });
});

describe('coverage of what is added later', () => {
  const minimal = (build: (s: Stack) => void, after?: (s: Stack) => void) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const s = new Stack(app, 'Synthetic', { env: { account: '123456789012', region: 'us-east-1' } });
    const api = new HttpApi(s, 'Api', { createDefaultStage: false });
    const httpStage = api.addStage('Stage', { stageName: '$default', autoDeploy: true });
    const table = new Table(s, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const stateMachine = new StateMachine(s, 'SM', {
      definitionBody: DefinitionBody.fromChainable(new Pass(s, 'P')),
      tracingEnabled: true,
    });
    build(s);
    new Monitoring(s, 'Monitoring', { httpStage, table, tableIndexes: [], stateMachine });
    after?.(s);
    return () => Template.fromStack(s).toJSON().Resources as Resources;
  };

  it('covers a queue and a function it was not told about', () => {
    const res = minimal((s) => {
      new Queue(s, 'NewQueue');
      new ServiceFunction(s, 'NewFunction', { entry: 'functions/system/not-found.ts' });
    })();
    const [queueId] = ofType(res, 'AWS::SQS::Queue')[0]!;
    const [fnId] = ofType(res, 'AWS::Lambda::Function')[0]!;
    const body = JSON.stringify(ofType(res, 'AWS::CloudWatch::Alarm'));
    expect(body).toContain(`{"Fn::GetAtt":["${queueId}","QueueName"]}`);
    expect(body).toContain(`{"Ref":"${fnId}"}`);
  });

  it('fails the synth on a queue or function created after it, or a function without tracing', () => {
    expect(
      minimal(
        () => undefined,
        (s) => new Queue(s, 'Late'),
      ),
    ).toThrow(/Queue .*Late.* has no alarm/);
    expect(
      minimal(
        (s) =>
          new LambdaFunction(s, 'Plain', {
            runtime: Runtime.NODEJS_24_X,
            handler: 'index.handler',
            code: Code.fromInline('exports.handler=()=>1'),
          }),
      ),
    ).toThrow(/Plain.* is not traced/);
  });
});
