/**
 * One Lambda function per entry of the route table (shared/routes/index.ts), with exactly the
 * access its route declares (RouteSpec.access):
 *
 *   table 'read'       dynamodb:GetItem, BatchGetItem, Query on the table and on each named index
 *   table 'readWrite'  adds PutItem, UpdateItem, DeleteItem, ConditionCheckItem on the table
 *                      (TransactWriteItems is authorized per item action; Powertools idempotency
 *                      records live in the same table and use Get/Put/Update/Delete)
 *   workflow 'start'   states:StartExecution on this state machine only
 *   workflow 'respond' states:SendTaskSuccess/SendTaskFailure (IAM accepts only Resource "*")
 *
 * Never Scan, never a wildcard action. Functions with the same access share one execution role per
 * access profile (their permissions are identical by construction): this keeps the stack far below
 * CloudFormation's 500-resource limit as the route table grows (5 resources per route instead of 7).
 */
import { Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RouteAccess, RouteSpec } from '../../shared/http/route';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { grantTableAccess } from './data-table';
import { pascal } from './http-api';
import { ServiceFunction } from './service-function';

type AnyRoute = RouteSpec;

/** What a deciding route sends after its commit (docs/WORKFLOW.md); heartbeats are not used. */
export const TASK_RESPONSE_ACTIONS = ['states:SendTaskSuccess', 'states:SendTaskFailure'] as const;

export interface RouteFunctionsProps {
  routes: ReadonlyArray<AnyRoute>;
  table: ITable;
  stateMachine: IStateMachine;
  /** Environment every function gets (TABLE_NAME, CURSOR_SECRET, POWERTOOLS_LOG_LEVEL...). */
  environment: Record<string, string>;
  /** The webhook secrets key (routes with access `webhooks: seal` may Encrypt, never Decrypt) and delivery queue. */
  webhooks?: { key: IKey; queue: IQueue };
}

/** Stable name of an access profile, e.g. Read, ReadWrite, ReadWriteRespond, ReadWriteStartRespond. */
export function accessProfile(access: RouteAccess): string {
  const workflow = [...new Set(access.workflow ?? [])].sort().map(pascal);
  const webhooks = [...new Set(access.webhooks ?? [])].sort().map(pascal);
  return [pascal(access.table), ...workflow, ...webhooks].join('');
}

/** Fails the synth on a route table the infrastructure cannot honour. */
export function checkRouteTable(routes: ReadonlyArray<AnyRoute>): void {
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (ids.has(route.id)) throw new Error(`Duplicate route id in the route table: ${route.id}`);
    if (keys.has(key)) throw new Error(`Duplicate route in the route table: ${key}`);
    if (!/^[a-z][A-Za-z0-9]*$/.test(route.id)) throw new Error(`Route id must be camelCase: ${route.id}`);
    if (route.idempotent && route.access.table !== 'readWrite') {
      throw new Error(`Route ${route.id} is idempotent: its idempotency records need access.table 'readWrite'.`);
    }
    ids.add(route.id);
    keys.add(key);
  }
}

export class RouteFunctions extends Construct {
  /** The function of each route, by route id. */
  readonly functions = new Map<string, ServiceFunction>();
  /** The execution role of each access profile in use. */
  readonly roles = new Map<string, Role>();
  private readonly props: RouteFunctionsProps;

  constructor(scope: Construct, id: string, props: RouteFunctionsProps) {
    super(scope, id);
    this.props = props;
    checkRouteTable(props.routes);
    for (const route of props.routes) {
      const workflow = route.access.workflow ?? [];
      const fn = new ServiceFunction(this, pascal(route.id), {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        role: this.roleFor(route.access),
        environment: {
          ...props.environment,
          ...(workflow.length > 0 ? { STATE_MACHINE_ARN: props.stateMachine.stateMachineArn } : {}),
          ...(route.access.webhooks?.includes('seal') ? { WEBHOOK_KEY_ID: props.webhooks?.key.keyArn ?? '' } : {}),
          ...(route.access.webhooks?.includes('enqueue') ? { WEBHOOK_QUEUE_URL: props.webhooks?.queue.queueUrl ?? '' } : {}),
        },
      });
      this.functions.set(route.id, fn);
    }
  }

  /** The function of a route of the table this construct was built from. */
  functionOf(routeId: string): ServiceFunction {
    const fn = this.functions.get(routeId);
    if (!fn) throw new Error(`No function for route ${routeId}`);
    return fn;
  }

  private roleFor(access: RouteAccess): IRole {
    const profile = accessProfile(access);
    const existing = this.roles.get(profile);
    if (existing) return existing;

    const { table, stateMachine } = this.props;
    const role = new Role(this, `Role${profile}`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `API route functions with access profile ${profile}`,
    });
    grantTableAccess(role, table, access.table);
    const workflow = new Set(access.workflow ?? []);
    if (workflow.has('start')) stateMachine.grantStartExecution(role);
    if (workflow.has('respond')) {
      // Not stateMachine.grantTaskResponse: it scopes to the state machine ARN, which these actions
      // do not support (Service Authorization Reference: no resource types), and adds Heartbeat.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...TASK_RESPONSE_ACTIONS], resources: ['*'] }));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'states:SendTaskSuccess/SendTaskFailure support no resource-level permissions ' +
          '(IAM accepts only Resource "*"); only roles of routes declaring workflow "respond" get them, and a ' +
          'task token is an unguessable capability bound to one execution of this service.',
      });
    }
    const webhooks = new Set(access.webhooks ?? []);
    if (webhooks.size > 0 && !this.props.webhooks) throw new Error(`access profile ${profile} needs the webhook key and queue`);
    // Encrypt only: reading a secret back is the deliverer's alone (infra/constructs/webhook-delivery.ts).
    if (webhooks.has('seal') && this.props.webhooks)
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:Encrypt'], resources: [this.props.webhooks.key.keyArn] }));
    if (webhooks.has('enqueue')) this.props.webhooks?.queue.grantSendMessages(role);
    this.roles.set(profile, role);
    return role;
  }
}
