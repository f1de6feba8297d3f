/**
 * The service's one stack: composes the constructs (one per concern) and wires their grants.
 *
 *   DataTable          the DynamoDB table of shared/table.ts
 *   CursorSecret       the HMAC key of list cursors (Secrets Manager, passed by dynamic reference)
 *   ApiIdentity        JWT authorizer: Cognito user pool + client, or an external issuer (context)
 *   ApprovalWorkflow   the host-guest approval state machine (docs/WORKFLOW.md)
 *   RouteFunctions     one function per route of shared/routes/index.ts, least-privilege roles
 *   ServiceHttpApi     the HTTP API: a route per function, a $default 404 route, logs, throttling
 *   ReminderSchedule   the hourly reminder/expiry job
 *   NotificationDelivery  the stream consumer that sends notifications by SES
 *   DomainEventBus     the custom EventBridge bus and the stream consumer that puts domain events on it
 *   Monitoring         alarms to an SNS topic and the dashboard; built last, it covers every
 *                      function and queue of the stack (docs/OPERATIONS.md)
 *
 * CDK context: jwtIssuer, jwtAudience (comma-separated), senderEmail, appUrl (the client application
 * e-mails link to), logLevel,
 * throttleRateLimit, throttleBurstLimit, alarmEmail.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { BUS_SOURCE } from '../shared/events/publish';
import { routes } from '../shared/routes';
import { TABLE } from '../shared/store/table';
import { ApiIdentity } from './constructs/api-identity';
import { ApprovalWorkflow } from './constructs/approval-workflow';
import { CursorSecret } from './constructs/cursor-secret';
import { DataTable } from './constructs/data-table';
import { DomainEventBus } from './constructs/event-bus';
import { ServiceHttpApi } from './constructs/http-api';
import { Monitoring } from './constructs/monitoring';
import { NotificationDelivery } from './constructs/notification-delivery';
import { ReminderSchedule } from './constructs/reminder-schedule';
import { RouteFunctions } from './constructs/route-functions';
import { WebhookDelivery } from './constructs/webhook-delivery';
import { ServiceFunction } from './constructs/service-function';

export const NOT_FOUND_ENTRY = 'functions/system/not-found.ts';

export class PartnershipsStack extends Stack {
  readonly table: Table;
  readonly workflow: ApprovalWorkflow;
  readonly identity: ApiIdentity;
  readonly routeFunctions: RouteFunctions;
  readonly httpApi: ServiceHttpApi;
  readonly reminderSchedule: ReminderSchedule;
  readonly notificationDelivery: NotificationDelivery;
  readonly events: DomainEventBus;
  readonly monitoring: Monitoring;
  readonly webhookDelivery: WebhookDelivery;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const context = (key: string): string | undefined => {
      const value: unknown = this.node.tryGetContext(key);
      if (value === undefined || value === null || value === '') return undefined;
      // Context values are strings (-c key=value) or cdk.json values: a list reads as its comma-separated form.
      if (Array.isArray(value)) return value.join(',');
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    };
    const logLevel = context('logLevel') ?? 'INFO';

    const data = new DataTable(this, 'Data');
    this.table = data.table;
    const cursorSecret = new CursorSecret(this, 'CursorSecret');

    /** Every function of the service gets these. */
    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      CURSOR_SECRET: cursorSecret.value,
      POWERTOOLS_LOG_LEVEL: logLevel,
    };

    this.workflow = new ApprovalWorkflow(this, 'ApprovalWorkflow', { table: this.table, environment });

    this.identity = new ApiIdentity(this, 'Identity', {
      jwtIssuer: context('jwtIssuer'),
      jwtAudience: context('jwtAudience')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    });

    this.webhookDelivery = new WebhookDelivery(this, 'WebhookDelivery', { table: this.table, environment });

    this.routeFunctions = new RouteFunctions(this, 'RouteFunctions', {
      routes,
      table: this.table,
      stateMachine: this.workflow.stateMachine,
      environment,
      webhooks: { key: this.webhookDelivery.key, queue: this.webhookDelivery.queue },
    });

    const notFound = new ServiceFunction(this, 'NotFound', {
      entry: NOT_FOUND_ENTRY,
      description: 'HTTP API $default route: 404 not_found',
      memorySize: 256,
      // Touches nothing: no table name, no cursor key.
      environment: { POWERTOOLS_LOG_LEVEL: logLevel },
    });
    this.httpApi = new ServiceHttpApi(this, 'Http', {
      authorizer: this.identity.authorizer,
      notFound,
      throttle: {
        rateLimit: Number(context('throttleRateLimit') ?? 100),
        burstLimit: Number(context('throttleBurstLimit') ?? 200),
      },
    });
    for (const route of routes) this.httpApi.addServiceRoute(route, this.routeFunctions.functionOf(route.id));

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.api.apiEndpoint, description: 'Base URL of the API' });
    if (this.identity.userPool && this.identity.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    }

    this.reminderSchedule = new ReminderSchedule(this, 'ReminderSchedule', {
      table: this.table,
      stateMachine: this.workflow.stateMachine,
      environment,
      webhookQueue: this.webhookDelivery.queue,
    });
    this.notificationDelivery = new NotificationDelivery(this, 'NotificationDelivery', {
      table: this.table,
      environment,
      senderEmail: context('senderEmail') ?? 'no-reply@example.com',
      appUrl: context('appUrl') ?? 'https://app.example.com',
    });

    this.events = new DomainEventBus(this, 'Events', { table: this.table, environment });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName, description: 'EventBridge bus of the domain events' });
    // Every domain event reaches the webhook fan-out through its own rule and queue (its own retries and DLQ).
    new Rule(this, 'WebhookFanOutRule', {
      eventBus: this.events.bus,
      description: 'Domain events to the webhook fan-out queue',
      eventPattern: { source: [BUS_SOURCE] },
      // Events the rule cannot put on the queue go to the fan-out's DLQ (alarmed; the same bus-event shape,
      // so one redrive to the fan-out queue serves both), as the hourly job's schedule shares its failures queue.
      targets: [new SqsQueue(this.webhookDelivery.fanOutQueue, { deadLetterQueue: this.webhookDelivery.fanOutDeadLetterQueue })],
    });

    // Last: it alarms on every function and queue created above.
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmEmail: context('alarmEmail'),
      httpStage: this.httpApi.stage,
      table: this.table,
      tableIndexes: Object.values(TABLE.indexes).map((index) => index.name),
      stateMachine: this.workflow.stateMachine,
      queues: [
        {
          queue: this.notificationDelivery.deadLetterQueue,
          id: 'NotificationDeadLetters',
          summary: 'Notification deliveries failed after their retries (notification dead-letter queue)',
          runbook: 'notification-dead-letters',
        },
        {
          queue: this.events.deadLetterQueue,
          id: 'EventDeadLetters',
          summary: 'Domain events could not be put on the event bus after their retries (event dead-letter queue)',
          runbook: 'event-dead-letters',
        },
        {
          queue: this.reminderSchedule.failures,
          id: 'ScheduledJobFailed',
          summary: 'A run of the hourly job failed after its retries, or its schedule could not invoke it (job failures queue)',
          runbook: 'scheduled-job-failed',
        },
        {
          queue: this.webhookDelivery.deadLetterQueue,
          id: 'WebhookDeliveryDeadLetters',
          summary: 'Webhook delivery attempts that crashed 5 times (webhook delivery dead-letter queue)',
          runbook: 'webhook-dead-letters',
        },
        {
          queue: this.webhookDelivery.fanOutDeadLetterQueue,
          id: 'WebhookFanOutDeadLetters',
          summary: 'Events the webhook fan-out could not process 5 times (webhook fan-out dead-letter queue)',
          runbook: 'webhook-dead-letters',
        },
        // The two webhook work queues: messages are normal traffic (delayed up to a 900 s hop); late is the alarm.
        {
          queue: this.webhookDelivery.queue,
          id: 'WebhookDeliveriesLate',
          summary: 'Webhook delivery attempts are waiting in the delivery queue far beyond their 900 s hop',
          runbook: 'webhook-queues-late',
          maxAgeSeconds: 1800,
        },
        {
          queue: this.webhookDelivery.fanOutQueue,
          id: 'WebhookFanOutLate',
          summary: 'Domain events are waiting in the webhook fan-out queue (the fan-out is not keeping up or failing)',
          runbook: 'webhook-queues-late',
          maxAgeSeconds: 1800,
        },
      ],
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic of the alarms' });
  }
}
