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
  // The term life after activation (SPEC §10): wait for the round, wait for both confirmations, loop.
  awaitRound: 'AwaitRound',
  roundDecision: 'RoundDecision',
  awaitRecertification: 'AwaitRecertification',
  recertificationDecision: 'RecertificationDecision',
  recordLapse: 'RecordLapse',
  // Succeed states, named after the partnership status they end in.
  active: 'Active',
  declinedByHost: 'DeclinedByHost',
  cancelled: 'Cancelled',
  removed: 'Removed',
  expired: 'Expired',
  ended: 'Ended',
  /** The job ended this execution because a new one continues the life (Step Functions' one-year limit). */
  continuedAsNew: 'ContinuedAsNew',
} as const;
export type StateName = (typeof STATES)[keyof typeof STATES];

/** The approval stages (SPEC §5). */
export type Stage = 'host_approval' | 'guest_acceptance' | 'resend';
/** The term stages of an active partnership with a term (SPEC §10): until the round opens, until it closes. */
export type TermStage = 'round' | 'recertification';
/** Any stage a wait task waits in (the `stage` of the await-decision payload). */
export type WaitStage = Stage | TermStage;

/** The approval wait states and the stage each waits on (the `stage` field of the await-decision payload). */
export const WAIT_STATES: Record<string, Stage> = {
  [STATES.awaitHostApproval]: 'host_approval',
  [STATES.awaitGuestAcceptance]: 'guest_acceptance',
  [STATES.awaitResend]: 'resend',
};

/** The term wait states (same await-decision function, same registration protocol). */
export const TERM_WAIT_STATES: Record<string, TermStage> = {
  [STATES.awaitRound]: 'round',
  [STATES.awaitRecertification]: 'recertification',
};

/** Error name of the task failure the scheduled job sends after 30 days (Catch -> RecordExpiry). */
export const EXPIRED_ERROR = 'Expired';
/** Error name of the task failure the scheduled job sends when a term lapses at `endsAt` (Catch -> RecordLapse). */
export const LAPSED_ERROR = 'Lapsed';
/** Error name of the task failure that ends an execution a new one continues (Catch -> ContinuedAsNew). */
export const CONTINUED_ERROR = 'ContinuedAsNew';

/**
 * A wait task times out after this (backstop beyond the 30-day expiry the job enforces): 32 days.
 * The local runner clamps it (see local/workflow-definition.ts).
 */
export const WAIT_TASK_TIMEOUT_SECONDS = 32 * 24 * 3600;

/**
 * Backstop of AwaitRecertification: a round lasts 14 days (it opens 14 days before `endsAt`, never
 * earlier) and the job lapses the term at `endsAt`; a day more, and the task times out into RecordLapse.
 */
export const RECERTIFICATION_TASK_TIMEOUT_SECONDS = 15 * 24 * 3600;

/**
 * Backstop of AwaitRound, under Step Functions' one-year execution limit: the job continues an
 * execution in a new one 330 days after it started (CONTINUE_EXECUTION_AFTER_MS in the domain), so the
 * wait never reaches this unless the job stopped; then the execution ends in RecordFailure and the
 * job's reconciliation restarts it at the record's next transition.
 */
export const ROUND_TASK_TIMEOUT_SECONDS = 340 * 24 * 3600;

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
    states: [...Object.keys(WAIT_STATES), ...Object.keys(TERM_WAIT_STATES)],
    waitForTaskToken: true,
  },
  {
    functionId: 'RecordExpiryFunction',
    entry: 'functions/workflow/record-expiry.ts',
    states: [STATES.recordExpiry],
    waitForTaskToken: false,
  },
  {
    functionId: 'RecordLapseFunction',
    entry: 'functions/workflow/record-lapse.ts',
    states: [STATES.recordLapse],
    waitForTaskToken: false,
  },
];

export function taskForState(stateName: string): WorkflowTask | undefined {
  return WORKFLOW_TASKS.find((task) => task.states.includes(stateName));
}

/**
 * What every task payload carries besides its own fields: the execution's input (`$$.Execution.Input`),
 * so a task logs and acts with the correlation id of the request that started the execution (SPEC §1).
 * Optional: executions started before the id was in the input have none (the task then makes one).
 */
export interface TaskEnvelope {
  execution?: Partial<WorkflowInput>;
}

/** Payload of the wait tasks (AwaitHostApproval, AwaitGuestAcceptance, AwaitResend, AwaitRound, AwaitRecertification). */
export interface AwaitDecisionEvent extends TaskEnvelope {
  partnershipId: string;
  stage: WaitStage;
  taskToken: string;
}

/** Payload of RecordLapse: `error` is the caught error ({Error: 'Lapsed' | 'States.Timeout', Cause}). */
export interface RecordLapseEvent extends TaskEnvelope {
  partnershipId: string;
  error: { Error: string; Cause?: string };
}

/** Payload of RecordExpiry: `error` is the caught error ({Error: 'Expired' | 'States.Timeout', Cause}). */
export interface RecordExpiryEvent extends TaskEnvelope {
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
  /** The correlation id of the request (or job run) that started the execution (SPEC §1). */
  correlationId: string;
  /** For the tasks' log lines (SPEC §12: the workspace ids involved). */
  hostWorkspaceId: string;
  guestWorkspaceId: string;
}
