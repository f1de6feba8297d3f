/**
 * STUB (to be replaced by the workflow work, issue 4): the host-guest approval state machine.
 * The stack composes it through this interface; see docs/WORKFLOW.md for the contract.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { DefinitionBody, Pass, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function';

export interface ApprovalWorkflowProps {
  table: ITable;
  /** Environment every function of the service gets (table name, mode...). */
  environment: Record<string, string>;
}

export class ApprovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The Lambda functions the state machine invokes (the stack may inspect them; grants are made here). */
  readonly taskFunctions: ServiceFunction[] = [];

  constructor(scope: Construct, id: string, _props: ApprovalWorkflowProps) {
    super(scope, id);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(new Pass(this, 'Placeholder')),
      timeout: Duration.days(20),
    });
  }
}
