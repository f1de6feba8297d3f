/**
 * Alarms, their SNS topic and the dashboard (SPEC §12; runbook: docs/OPERATIONS.md, one section per
 * alarm, anchored by the `runbook` of each alarm below).
 *
 * Built last in the stack: it covers what the stack holds at that point, found by type, so a function
 * or a queue added later is covered without touching this file:
 *   - every AWS::Lambda::Function: errors and throttles, in metric-math alarms that each sum the
 *     metrics of up to FUNCTIONS_PER_ALARM functions (CloudWatch's hard limit is 10 metrics per
 *     alarm), so ~60 functions cost 14 alarms, not 120 (CloudFormation allows 500 resources a stack);
 *   - every AWS::SQS::Queue: "not empty" (a queue passed in `queues` gets its own name and runbook
 *     section, any other the generic one); a work queue passed with `maxAgeSeconds` (messages in it are
 *     normal traffic) alarms on the age of its oldest message instead.
 * A validation fails the synth if a function or queue exists that no alarm covers (one created after
 * this construct), or a function is not traced.
 *
 * Named alarms: the API 5xx rate, the state machine's failed / timed out / aborted executions,
 * DynamoDB read and write throttling (table and every GSI), and the custom metrics of
 * shared/observability/metric-names.ts (reconciliations by the job, webhook endpoints disabled).
 *
 * The topic is encrypted with a customer-managed KMS key (CloudWatch cannot use the AWS-managed
 * aws/sns key, whose policy cannot be changed) and refuses non-TLS publishers. Context `alarmEmail`
 * subscribes an address (it must confirm the subscription e-mail).
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { CfnQueue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { METRICS_NAMESPACE, MetricNames, SERVICE_NAME } from '../../shared/observability/metric-names';

/** CloudWatch allows at most 10 metrics in one metric-math alarm (hard limit). */
export const FUNCTIONS_PER_ALARM = 10;

/** Thresholds and windows; docs/OPERATIONS.md quotes them. */
export const ALARM_SETTINGS = {
  period: Duration.minutes(5),
  /** API 5xx rate: percent of requests, over 5-minute windows, 2 of the last 3, with traffic. */
  api5xxPercent: 5,
  api5xxMinRequests: 20,
  /** Any function error / throttle / failed execution / throttled DynamoDB request in 5 minutes. */
  countThreshold: 1,
  /** Custom metrics: any in the last hour. */
  customPeriod: Duration.hours(1),
} as const;

/** A queue whose alarm has a meaning of its own (the others get QueueNotEmpty-<path>). */
export interface NamedQueue {
  queue: IQueue;
  /** Alarm id and name suffix, e.g. NotificationDeadLetters. */
  id: string;
  summary: string;
  /** Anchor of its section in docs/OPERATIONS.md. */
  runbook: string;
  /**
   * A work queue (messages in it are normal traffic): alarm when its oldest message is older than this
   * (ApproximateAgeOfOldestMessage > N seconds) instead of "not empty".
   */
  maxAgeSeconds?: number;
}

export interface MonitoringProps {
  /** CDK context `alarmEmail`: subscribed to the alarm topic when set. */
  alarmEmail?: string;
  httpStage: HttpStage;
  table: ITable;
  /** Names of the table's GSIs (each is watched for throttling and consumed capacity). */
  tableIndexes: string[];
  stateMachine: IStateMachine;
  queues?: NamedQueue[];
}

/** One alarm: its runbook anchor (docs/OPERATIONS.md) and the functions or queues it watches, if any. */
export interface AlarmEntry {
  alarm: Alarm;
  runbook: string;
  covers: IConstruct[];
}

const RUNBOOK = 'docs/OPERATIONS.md';

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: AlarmEntry[] = [];
  private readonly stack: Stack;
  private readonly coveredFunctions = new Set<CfnFunction>();
  private readonly coveredQueues = new Set<CfnQueue>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.stack = Stack.of(this);
    this.topic = this.alarmTopic(props.alarmEmail);

    const functions = this.findAll(CfnFunction).sort((a, b) => label(a).localeCompare(label(b)));
    const queues = this.findAll(CfnQueue);
    const groups = chunk(functions, FUNCTIONS_PER_ALARM);

    // ---- API ------------------------------------------------------------------------------------
    const stage = props.httpStage;
    const requests = stage.metricCount({ period: ALARM_SETTINGS.period, label: 'requests' });
    const serverErrors = stage.metricServerError({ period: ALARM_SETTINGS.period, label: '5xx' });
    const clientErrors = stage.metricClientError({ period: ALARM_SETTINGS.period, label: '4xx' });
    const api5xxRate = new MathExpression({
      expression: `IF(requests >= ${ALARM_SETTINGS.api5xxMinRequests}, 100 * FILL(errors, 0) / requests, 0)`,
      usingMetrics: { requests, errors: serverErrors },
      period: ALARM_SETTINGS.period,
      label: '5xx % of requests',
    });
    this.addAlarm('Api5xxRate', 'api-5xx-rate', api5xxRate, {
      threshold: ALARM_SETTINGS.api5xxPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `More than ${ALARM_SETTINGS.api5xxPercent}% of API requests answered 5xx (2 of the last 3 5-minute windows with at least ${ALARM_SETTINGS.api5xxMinRequests} requests).`,
    });

    // ---- functions: errors and throttles, up to 10 functions per alarm --------------------------
    groups.forEach((group, index) => {
      const n = String(index + 1).padStart(2, '0');
      const names = group.map(label).join(', ');
      for (const [kind, metricName, runbook] of [
        ['Errors', 'Errors', 'function-errors'],
        ['Throttles', 'Throttles', 'function-throttles'],
      ] as const) {
        const expression = sumOf(
          group.map((fn) => functionMetric(fn, metricName)),
          `${kind.toLowerCase()} of group ${n}`,
        );
        this.addAlarm(`Function${kind}${n}`, runbook, expression, {
          threshold: ALARM_SETTINGS.countThreshold,
          description: `${kind} of functions in group ${n} (any in 5 minutes): ${names}.`,
          covers: group,
        });
      }
      for (const fn of group) this.coveredFunctions.add(fn);
    });

    // ---- state machine --------------------------------------------------------------------------
    const sm = props.stateMachine;
    const executions: Array<[string, string, Metric]> = [
      ['ExecutionsFailed', 'executions failed', sm.metricFailed({ period: ALARM_SETTINGS.period, statistic: 'Sum' })],
      ['ExecutionsTimedOut', 'executions timed out', sm.metricTimedOut({ period: ALARM_SETTINGS.period, statistic: 'Sum' })],
      ['ExecutionsAborted', 'executions aborted', sm.metricAborted({ period: ALARM_SETTINGS.period, statistic: 'Sum' })],
    ];
    for (const [name, what, metric] of executions) {
      this.addAlarm(`Workflow${name}`, `workflow-${name.replace(/^Executions/, '').toLowerCase()}`, metric, {
        threshold: ALARM_SETTINGS.countThreshold,
        description: `Approval workflow ${what} (any in 5 minutes).`,
      });
    }

    // ---- queues: every queue of the stack -------------------------------------------------------
    const named = new Map<CfnQueue, NamedQueue>();
    for (const q of props.queues ?? []) named.set(q.queue.node.defaultChild as CfnQueue, q);
    for (const queue of queues) {
      const known = named.get(queue);
      const id = known ? known.id : `QueueNotEmpty${pascalPath(queue)}`;
      if (known?.maxAgeSeconds !== undefined) {
        this.addAlarm(id, known.runbook, queueMetric(queue, 'ApproximateAgeOfOldestMessage', 'Maximum'), {
          threshold: known.maxAgeSeconds,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          description: `${known.summary}: its oldest message is older than ${known.maxAgeSeconds} s.`,
          covers: [queue],
        });
        this.coveredQueues.add(queue);
        continue;
      }
      this.addAlarm(id, known?.runbook ?? 'queue-not-empty', queueMetric(queue, 'ApproximateNumberOfMessagesVisible', 'Maximum'), {
        threshold: 1,
        description: `${known?.summary ?? `Queue ${label(queue)} is not empty`}: any message visible.`,
        covers: [queue],
      });
      this.coveredQueues.add(queue);
    }

    // ---- DynamoDB throttling: table and every GSI, reads and writes ----------------------------
    const tableName = props.table.tableName;
    const tableMetric = (metricName: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: index ? { TableName: tableName, GlobalSecondaryIndexName: index } : { TableName: tableName },
        statistic: 'Sum',
        period: ALARM_SETTINGS.period,
        label: index ?? 'table',
      });
    const scopes: Array<string | undefined> = [undefined, ...props.tableIndexes];
    for (const [kind, metricName] of [
      ['Read', 'ReadThrottleEvents'],
      ['Write', 'WriteThrottleEvents'],
    ] as const) {
      chunk(scopes, FUNCTIONS_PER_ALARM).forEach((part, i) => {
        this.addAlarm(
          `Table${kind}Throttles${i === 0 ? '' : i + 1}`,
          'dynamodb-throttling',
          sumOf(
            part.map((s) => tableMetric(metricName, s)),
            `${kind.toLowerCase()} throttle events`,
          ),
          {
            threshold: ALARM_SETTINGS.countThreshold,
            description: `DynamoDB ${kind.toLowerCase()} throttle events on the table or its indexes (${part.map((s) => s ?? 'table').join(', ')}; any in 5 minutes).`,
          },
        );
      });
    }

    // ---- custom metrics (shared/observability/metric-names.ts) ---------------------------------
    const custom = (metricName: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: ALARM_SETTINGS.customPeriod,
      });
    this.addAlarm('WorkflowResumesReconciled', 'workflow-resumes-reconciled', custom(MetricNames.workflowResumesReconciled), {
      threshold: 1,
      description: 'The scheduled job had to reconcile workflow resumes in the last hour (a decision whose resume was lost).',
    });
    this.addAlarm('WebhookEndpointsDisabled', 'webhook-endpoints-disabled', custom(MetricNames.webhookEndpointsDisabled), {
      threshold: 1,
      description: 'Webhook endpoints were disabled after repeated delivery failures in the last hour.',
    });

    this.dashboard = this.buildDashboard({
      props,
      groups,
      queues,
      scopes,
      tableMetric,
      custom,
      requests,
      serverErrors,
      clientErrors,
      api5xxRate,
    });

    this.node.addValidation({ validate: () => this.uncovered() });
  }

  private alarmTopic(alarmEmail: string | undefined): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic of the partnerships service',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: { StringEquals: { 'aws:SourceAccount': this.stack.account } },
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Partnerships service alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.stack.account },
          ArnLike: {
            'aws:SourceArn': this.stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (alarmEmail) {
      if (!Token.isUnresolved(alarmEmail) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
        throw new Error(`CDK context alarmEmail is not an e-mail address: ${alarmEmail}`);
      }
      topic.addSubscription(new EmailSubscription(alarmEmail));
    }
    return topic;
  }

  private addAlarm(
    id: string,
    runbook: string,
    metric: IMetric,
    options: {
      threshold: number;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      comparisonOperator?: ComparisonOperator;
      covers?: IConstruct[];
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.stack.stackName}-${id}`,
      alarmDescription: `${options.description} Runbook: ${RUNBOOK}#${runbook}`,
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data = nothing happened (no traffic, an unused function, an empty inactive queue).
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push({ alarm, runbook, covers: options.covers ?? [] });
    return alarm;
  }

  private buildDashboard(d: {
    props: MonitoringProps;
    groups: CfnFunction[][];
    queues: CfnQueue[];
    scopes: Array<string | undefined>;
    tableMetric: (metricName: string, index?: string) => Metric;
    custom: (metricName: string) => Metric;
    requests: Metric;
    serverErrors: Metric;
    clientErrors: Metric;
    api5xxRate: MathExpression;
  }): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: this.stack.stackName,
      defaultInterval: Duration.hours(6),
    });
    const full = 24;
    const third = 8;
    const sm = d.props.stateMachine;
    const stage = d.props.httpStage;
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${this.stack.stackName}\nAlarms go to the SNS topic; each alarm's description names its section of ${RUNBOOK}.`,
        width: full,
        height: 2,
      }),
    );
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms.map((a) => a.alarm), width: full, height: 6 }));
    dashboard.addWidgets(
      new GraphWidget({ title: 'API requests', left: [d.requests], width: third }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) =>
          stage.metricLatency({ statistic, period: ALARM_SETTINGS.period, label: `latency ${statistic}` }),
        ),
        right: [stage.metricIntegrationLatency({ statistic: 'p99', period: ALARM_SETTINGS.period, label: 'integration p99' })],
        width: third,
      }),
      new GraphWidget({ title: 'API 4xx / 5xx', left: [d.clientErrors, d.serverErrors], right: [d.api5xxRate], width: third }),
    );
    const p = { period: ALARM_SETTINGS.period, statistic: 'Sum' };
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        left: [
          sm.metricStarted({ ...p, label: 'started' }),
          sm.metricSucceeded({ ...p, label: 'succeeded' }),
          sm.metricFailed({ ...p, label: 'failed' }),
          sm.metricTimedOut({ ...p, label: 'timed out' }),
          sm.metricAborted({ ...p, label: 'aborted' }),
        ],
        width: third,
      }),
      new GraphWidget({
        title: 'Queues: messages visible / age of oldest (s)',
        left: d.queues.map((q) => queueMetric(q, 'ApproximateNumberOfMessagesVisible', 'Maximum')),
        right: d.queues.map((q) => queueMetric(q, 'ApproximateAgeOfOldestMessage', 'Maximum')),
        width: third,
      }),
      new GraphWidget({
        title: 'Custom metrics (per hour)',
        left: [d.custom(MetricNames.workflowResumesReconciled), d.custom(MetricNames.webhookEndpointsDisabled)],
        width: third,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB consumed read capacity',
        left: d.scopes.map((s) => d.tableMetric('ConsumedReadCapacityUnits', s)),
        width: third,
      }),
      new GraphWidget({
        title: 'DynamoDB consumed write capacity',
        left: d.scopes.map((s) => d.tableMetric('ConsumedWriteCapacityUnits', s)),
        width: third,
      }),
      new GraphWidget({
        title: 'DynamoDB throttle events (read / write)',
        left: d.scopes.map((s) => d.tableMetric('ReadThrottleEvents', s).with({ label: `read ${s ?? 'table'}` })),
        right: d.scopes.map((s) => d.tableMetric('WriteThrottleEvents', s).with({ label: `write ${s ?? 'table'}` })),
        width: third,
      }),
    );
    d.groups.forEach((group, index) => {
      const n = String(index + 1).padStart(2, '0');
      dashboard.addWidgets(
        new GraphWidget({
          title: `Functions ${n}: errors`,
          left: group.map((fn) => functionMetric(fn, 'Errors')),
          width: third,
          stacked: true,
        }),
        new GraphWidget({
          title: `Functions ${n}: throttles`,
          left: group.map((fn) => functionMetric(fn, 'Throttles')),
          width: third,
          stacked: true,
        }),
        new GraphWidget({
          title: `Functions ${n}: duration p99 (ms)`,
          left: group.map((fn) => functionMetric(fn, 'Duration', 'p99')),
          width: third,
        }),
      );
    });
    return dashboard;
  }

  private findAll<T extends IConstruct>(type: abstract new (...args: never[]) => T): T[] {
    return this.stack.node.findAll().filter((c): c is T => c instanceof type);
  }

  /** Functions or queues of the stack that no alarm covers, and functions without active tracing. */
  private uncovered(): string[] {
    const errors: string[] = [];
    for (const fn of this.findAll(CfnFunction)) {
      if (!this.coveredFunctions.has(fn)) errors.push(`Function ${fn.node.path} has no error/throttle alarm: create it before Monitoring.`);
      const tracing = this.stack.resolve(fn.tracingConfig) as { mode?: string } | undefined;
      if (tracing?.mode !== 'Active') errors.push(`Function ${fn.node.path} is not traced: build it as a ServiceFunction.`);
    }
    for (const queue of this.findAll(CfnQueue)) {
      if (!this.coveredQueues.has(queue)) errors.push(`Queue ${queue.node.path} has no alarm: create it before Monitoring.`);
    }
    return errors;
  }
}

/** A construct's path inside the stack, without the L1 `Resource` leaf: RouteFunctions/GetMe. */
function label(c: IConstruct): string {
  const parts = c.node.path.split('/').slice(1);
  if (parts[parts.length - 1] === 'Resource') parts.pop();
  return parts.join('/');
}

function pascalPath(c: IConstruct): string {
  return label(c).replace(/[^A-Za-z0-9]/g, '');
}

function functionMetric(fn: CfnFunction, metricName: string, statistic = 'Sum'): Metric {
  return new Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: fn.ref },
    statistic,
    period: ALARM_SETTINGS.period,
    label: label(fn),
  });
}

function queueMetric(queue: CfnQueue, metricName: string, statistic: string): Metric {
  return new Metric({
    namespace: 'AWS/SQS',
    metricName,
    dimensionsMap: { QueueName: queue.attrQueueName },
    statistic,
    period: ALARM_SETTINGS.period,
    label: label(queue),
  });
}

/** SUM of up to 10 metrics (missing datapoints of one metric do not hide the others'). */
function sumOf(metrics: Metric[], label: string): MathExpression {
  if (metrics.length === 0 || metrics.length > FUNCTIONS_PER_ALARM) throw new Error(`sumOf takes 1..${FUNCTIONS_PER_ALARM} metrics`);
  const usingMetrics = Object.fromEntries(metrics.map((m, i) => [`m${i}`, m]));
  return new MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(',')}])`,
    usingMetrics,
    period: ALARM_SETTINGS.period,
    label,
  });
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
