/**
 * The state machine's vocabulary, in ONE place: state names, the stage each wait task waits on, and
 * which handler module runs each Lambda task. The CDK construct (infra/constructs/approval-workflow.ts)
 * builds the tasks from this list and the local runner (local/workflow-runner.ts) binds the same
 * states to the same modules. No AWS imports here.
 */

export const STATES = {
  needsHostApproval: 'NeedsHostApproval?',
  awaitHostApproval: 'AwaitHostApproval',
  hostDecision: 'HostDecision',
  awaitGuestAcceptance: 'AwaitGuestAcceptance',
  guestDecision: 'GuestDecision',
  awaitResend: 'AwaitResend',
  resendDecision: 'ResendDecision',
  recordExpiry: 'RecordExpiry',
  recordFailure: 'RecordFailure',
  // Succeed states, named after the partnership status they end in.
  active: 'Active',
  declinedByHost: 'DeclinedByHost',
  cancelled: 'Cancelled',
  removed: 'Removed',
  expired: 'Expired',
} as const;
export type StateName = (typeof STATES)[keyof typeof STATES];

export type Stage = 'host_approval' | 'guest_acceptance' | 'resend';

/** The wait states and the stage each waits on (the `stage` field of the await-decision payload). */
export const WAIT_STATES: Record<string, Stage> = {
  [STATES.awaitHostApproval]: 'host_approval',
  [STATES.awaitGuestAcceptance]: 'guest_acceptance',
  [STATES.awaitResend]: 'resend',
};

/** Error name of the task failure the scheduled job sends after 30 days (Catch -> RecordExpiry). */
export const EXPIRED_ERROR = 'Expired';

/**
 * A wait task times out after this (backstop beyond the 30-day expiry the job enforces): 32 days.
 * The local runner clamps it (see local/workflow-definition.ts).
 */
export const WAIT_TASK_TIMEOUT_SECONDS = 32 * 24 * 3600;

export interface WorkflowTask {
  /** Construct id of the function in ApprovalWorkflow. */
  functionId: string;
  /** Handler module, relative to the repository root. */
  entry: string;
  /** The Task states that invoke it. */
  states: string[];
  /** `.waitForTaskToken` (the handler gets a task token and the state waits for a task response). */
  waitForTaskToken: boolean;
}

export const WORKFLOW_TASKS: WorkflowTask[] = [
  {
    functionId: 'AwaitDecisionFunction',
    entry: 'functions/workflow/await-decision.ts',
    states: Object.keys(WAIT_STATES),
    waitForTaskToken: true,
  },
  {
    functionId: 'RecordExpiryFunction',
    entry: 'functions/workflow/record-expiry.ts',
    states: [STATES.recordExpiry],
    waitForTaskToken: false,
  },
];

export function taskForState(stateName: string): WorkflowTask | undefined {
  return WORKFLOW_TASKS.find((task) => task.states.includes(stateName));
}

/** Payload of the wait tasks (AwaitHostApproval, AwaitGuestAcceptance, AwaitResend). */
export interface AwaitDecisionEvent {
  partnershipId: string;
  stage: Stage;
  taskToken: string;
}

/** Payload of RecordExpiry: `error` is the caught error ({Error: 'Expired' | 'States.Timeout', Cause}). */
export interface RecordExpiryEvent {
  partnershipId: string;
  error: { Error: string; Cause?: string };
}

/** The output a decision sends with SendTaskSuccess; the Choice states read `$.decision.outcome`. */
export interface DecisionOutput {
  outcome: string;
  [key: string]: unknown;
}

/** Input of an execution. */
export interface WorkflowInput {
  partnershipId: string;
  hostApprovalRequired: boolean;
}
