/**
 * The host-guest approval state machine (docs/WORKFLOW.md): STANDARD, JSONPath, callback pattern.
 * State names, stages and task handler modules come from shared/workflow/tasks.ts, the list the local
 * runner binds to the same handlers. Self-contained: it builds its task functions and grants them.
 */
import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  type INextable,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';
import { grantTableAccess } from './data-table';
import {
  CONTINUED_ERROR,
  EXPIRED_ERROR,
  LAPSED_ERROR,
  RECERTIFICATION_TASK_TIMEOUT_SECONDS,
  ROUND_TASK_TIMEOUT_SECONDS,
  STATES,
  TERM_WAIT_STATES,
  WAIT_STATES,
  WAIT_TASK_TIMEOUT_SECONDS,
  WORKFLOW_TASKS,
  type WorkflowTask,
} from '../../shared/workflow/tasks';
import { ServiceFunction } from './service-function';

export interface ApprovalWorkflowProps {
  table: ITable;
  /** Environment every function of the service gets (table name, mode...). */
  environment: Record<string, string>;
}

/**
 * Read-write table access as the API routes get it (infra/constructs/data-table.ts): reads on the
 * table and its named indexes, writes on the table; never Scan (grantReadWriteData includes it).
 */
export function grantTableReadWrite(table: ITable, grantee: IGrantable): void {
  grantTableAccess(grantee, table, 'readWrite');
}

/**
 * states:SendTaskSuccess/SendTaskFailure. These actions take no resource-level permission (IAM
 * evaluates them against "*"), and scoping to the state machine ARN, as grantTaskResponse does, also
 * makes a dependency cycle (function policy -> state machine -> its role policy -> function).
 * Granted only to the deciding functions: await-decision, the scheduled job, the decision routes.
 */
export function grantTaskResponses(grantee: IGrantable): void {
  Grant.addToPrincipal({ grantee, actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resourceArns: ['*'] });
  // On the role (the policy is its child; a ServiceFunction's role is the function's sibling).
  Validations.of(grantee.grantPrincipal as unknown as IConstruct).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'states:SendTaskSuccess/SendTaskFailure support no resource-level permissions (IAM accepts only ' +
      'Resource "*"); granted only to the functions that decide (await-decision, the scheduled job), and a ' +
      'task token is an unguessable capability bound to one execution of this service.',
  });
}

/** Transient errors of the functions themselves (not task failures sent by the service). */
/**
 * Every task payload carries the execution's input (SPEC §1: the correlation id of the request that
 * started it, and the workspace ids for the log lines). The Context Object path exists for every
 * execution, including those started before the input had a correlation id.
 */
const EXECUTION_INPUT = '$$.Execution.Input';

const TRANSIENT_HANDLER_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'TransactionConflictException',
  'InternalServerError',
  'RequestLimitExceeded',
  'TimeoutError',
  'Error',
];

export class ApprovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The Lambda functions the state machine invokes (the stack may inspect them; grants are made here). */
  readonly taskFunctions: ServiceFunction[] = [];
  /** The await-decision function: the only task function that sends task responses. */
  readonly awaitDecisionFunction: ServiceFunction;
  readonly recordExpiryFunction: ServiceFunction;
  readonly recordLapseFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const functions = new Map<WorkflowTask, ServiceFunction>();
    for (const task of WORKFLOW_TASKS) {
      const fn = new ServiceFunction(this, task.functionId, { entry: task.entry, environment: props.environment });
      grantTableReadWrite(props.table, fn);
      functions.set(task, fn);
      this.taskFunctions.push(fn);
    }
    const functionOf = (stateName: string) => {
      const task = WORKFLOW_TASKS.find((t) => t.states.includes(stateName));
      const fn = task ? functions.get(task) : undefined;
      if (!fn) throw new Error(`no task function for state ${stateName}`);
      return fn;
    };
    this.awaitDecisionFunction = functionOf(STATES.awaitHostApproval);
    this.recordExpiryFunction = functionOf(STATES.recordExpiry);
    this.recordLapseFunction = functionOf(STATES.recordLapse);

    // ---- terminal states ------------------------------------------------------------------------
    const active = new Succeed(this, STATES.active);
    const declinedByHost = new Succeed(this, STATES.declinedByHost);
    const cancelled = new Succeed(this, STATES.cancelled);
    const removed = new Succeed(this, STATES.removed);
    const expired = new Succeed(this, STATES.expired);
    const ended = new Succeed(this, STATES.ended);
    const continuedAsNew = new Succeed(this, STATES.continuedAsNew, {
      comment: 'The scheduled job started a new execution that continues this life (one-year execution limit).',
    });
    const recordFailure = new Fail(this, STATES.recordFailure, {
      error: 'WorkflowFailed',
      cause: 'A workflow task failed after its retries, or a decision had an unknown outcome; see the execution history.',
    });

    const recordExpiry = new LambdaInvoke(this, STATES.recordExpiry, {
      lambdaFunction: this.recordExpiryFunction,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        partnershipId: JsonPath.stringAt('$.partnershipId'),
        error: JsonPath.objectAt('$.error'),
        execution: JsonPath.objectAt(EXECUTION_INPUT),
      }),
      resultPath: '$.expiry',
      taskTimeout: Timeout.duration(Duration.seconds(60)),
      retryOnServiceExceptions: false,
    });
    recordExpiry
      .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5 })
      .addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' })
      .next(expired);

    // ---- wait tasks (callback pattern) ----------------------------------------------------------
    const callbackTask = (stateName: string, stage: string, timeoutSeconds: number) => {
      const task = new LambdaInvoke(this, stateName, {
        lambdaFunction: functionOf(stateName),
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          partnershipId: JsonPath.stringAt('$.partnershipId'),
          stage,
          taskToken: JsonPath.taskToken,
          execution: JsonPath.objectAt(EXECUTION_INPUT),
        }),
        resultPath: '$.decision',
        taskTimeout: Timeout.duration(Duration.seconds(timeoutSeconds)),
        // Adds the retry on Lambda service errors (Lambda.ServiceException, ...: 2 s, x2, 6 attempts).
        retryOnServiceExceptions: true,
      });
      // Never retry on States.TaskFailed here: it would match the Expired/Lapsed/ContinuedAsNew task failures too.
      task.addRetry({ errors: TRANSIENT_HANDLER_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
      return task;
    };
    // Approval stages. Backstop: the scheduled job expires a stage after 30 days with SendTaskFailure('Expired').
    const awaitTask = (stateName: string) =>
      callbackTask(stateName, WAIT_STATES[stateName] ?? stateName, WAIT_TASK_TIMEOUT_SECONDS)
        .addCatch(recordExpiry, { errors: [EXPIRED_ERROR, 'States.Timeout'], resultPath: '$.error' })
        .addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const awaitHostApproval = awaitTask(STATES.awaitHostApproval);
    const awaitGuestAcceptance = awaitTask(STATES.awaitGuestAcceptance);
    const awaitResend = awaitTask(STATES.awaitResend);

    const outcome = (value: string) => Condition.stringEquals('$.decision.outcome', value);
    const decision = (stateName: string, routes: Array<[string, IChainable]>) => {
      const choice = new Choice(this, stateName);
      for (const [value, next] of routes) choice.when(outcome(value), next);
      return choice.otherwise(recordFailure);
    };
    const ends: Array<[string, IChainable]> = [
      ['cancelled', cancelled],
      ['removed', removed],
      ['expired', expired],
    ];

    // ---- the term life (SPEC §10) ------------------------------------------------------------------
    // The lapse: the job records `ended` at endsAt and fails the waiting task with 'Lapsed'; RecordLapse
    // (also the backstop of a round that outlived its 14 days) finds it ended, or ends it itself.
    const recordLapse = new LambdaInvoke(this, STATES.recordLapse, {
      lambdaFunction: this.recordLapseFunction,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        partnershipId: JsonPath.stringAt('$.partnershipId'),
        error: JsonPath.objectAt('$.error'),
        execution: JsonPath.objectAt(EXECUTION_INPUT),
      }),
      resultPath: '$.lapse',
      taskTimeout: Timeout.duration(Duration.seconds(60)),
      retryOnServiceExceptions: false,
    });
    recordLapse
      .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5 })
      .addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' })
      .next(ended);
    // Until the round opens (the job resumes it at opensAt), then until both sides confirmed (the
    // recertify route resumes it) or the term lapsed (the job fails it at endsAt).
    const termTask = (stateName: string, timeoutSeconds: number, lapseErrors: string[]) =>
      callbackTask(stateName, TERM_WAIT_STATES[stateName] ?? stateName, timeoutSeconds)
        .addCatch(recordLapse, { errors: lapseErrors, resultPath: '$.error' })
        .addCatch(continuedAsNew, { errors: [CONTINUED_ERROR], resultPath: '$.error' })
        .addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const awaitRound = termTask(STATES.awaitRound, ROUND_TASK_TIMEOUT_SECONDS, [LAPSED_ERROR]);
    const awaitRecertification = termTask(STATES.awaitRecertification, RECERTIFICATION_TASK_TIMEOUT_SECONDS, [
      LAPSED_ERROR,
      'States.Timeout',
    ]);
    const removedOnly: Array<[string, IChainable]> = [['removed', removed]];
    const roundDecision = decision(STATES.roundDecision, [['opened', awaitRecertification], ...removedOnly]);
    const recertificationDecision = decision(STATES.recertificationDecision, [['renewed', awaitRound], ...removedOnly]);
    (awaitRound as INextable).next(roundDecision);
    (awaitRecertification as INextable).next(recertificationDecision);

    const resendDecision = decision(STATES.resendDecision, [['resent', awaitGuestAcceptance], ...ends]);
    const guestDecision = decision(STATES.guestDecision, [
      ['accepted', active],
      ['accepted_with_term', awaitRound],
      ['declined', awaitResend],
      ...ends,
    ]);
    const hostDecision = decision(STATES.hostDecision, [['approved', awaitGuestAcceptance], ['declined', declinedByHost], ...ends]);
    (awaitHostApproval as INextable).next(hostDecision);
    (awaitGuestAcceptance as INextable).next(guestDecision);
    (awaitResend as INextable).next(resendDecision);

    const start = new Choice(this, STATES.needsHostApproval)
      .when(Condition.booleanEquals('$.hostApprovalRequired', true), awaitHostApproval)
      .otherwise(awaitGuestAcceptance);

    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(start),
      // No execution timeout: each wait has its own; a Standard execution lives at most a year, and the
      // scheduled job continues a term's life in a new execution 330 days after one started (docs/WORKFLOW.md).
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The role CDK builds for logging and X-Ray: logs:CreateLogDelivery/GetLogDelivery/... and ' +
        'xray:PutTraceSegments/GetSamplingRules accept only Resource "*" (no resource-level permissions).',
    });
    for (const fn of this.taskFunctions) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the task function and its versions/aliases (ARN:*), as CDK grants a ' +
          "LambdaInvoke task; the function is this workflow's own.",
      });
    }
    grantTaskResponses(this.awaitDecisionFunction);
  }
}
