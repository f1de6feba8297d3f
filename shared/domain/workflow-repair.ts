/**
 * What to do when a partnership's record and its workflow execution disagree (docs/OPERATIONS.md,
 * "Resuming a partnership whose workflow and record disagree"). Pure: the operator script
 * (scripts/ops/resume-partnership.ts) reads the record and the execution, asks this, then acts.
 *
 * The record is the truth about what was decided; the execution must follow it.
 */
import { isTerminal, waitingStageOf, type PartnershipRecord } from './partnership';

/** The execution as Step Functions describes it (NOT_FOUND: no execution of the record's name). */
export type ExecutionState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE' | 'NOT_FOUND';

export type RepairAction =
  /** Nothing disagrees. */
  | { action: 'none'; reason: string }
  /** A decision is recorded but its SendTaskSuccess/Failure never reached the execution: send it now. */
  | { action: 'send-resume'; reason: string }
  /** The record waits in a stage but its execution is gone: start `<id>-r<n>`, which goes to the record's stage. */
  | { action: 'restart'; reason: string }
  /** The record is final but its execution still waits: stop it (nothing is left to decide). */
  | { action: 'stop-execution'; reason: string }
  /** Not a case this tool repairs: a person looks (the reason says what was found). */
  | { action: 'escalate'; reason: string };

export type RepairRecord = Pick<PartnershipRecord, 'status' | 'term' | 'recertification' | 'resume' | 'taskToken' | 'executionName'>;

export function decideRepair(record: RepairRecord, execution: ExecutionState): RepairAction {
  const running = execution === 'RUNNING';
  const stage = waitingStageOf(record);
  if (record.resume) {
    if (running)
      return { action: 'send-resume', reason: `a ${record.resume.outcome} decision is recorded but not yet sent to the running execution` };
    // The execution the resume was for is gone: the resume can never land. A waiting record restarts.
    if (stage)
      return { action: 'restart', reason: `a resume is owed to an execution that is ${execution}, and the record waits in ${stage}` };
    return { action: 'escalate', reason: `a resume is owed to an execution that is ${execution}; the record is ${record.status}` };
  }
  if (stage) {
    if (running) {
      return record.taskToken
        ? { action: 'none', reason: `the record waits in ${stage} and its execution runs with a registered task` }
        : {
            action: 'none',
            reason: `the record waits in ${stage}; its execution runs and has not registered yet (the job restarts it after 10 minutes)`,
          };
    }
    return { action: 'restart', reason: `the record waits in ${stage} but its execution is ${execution}` };
  }
  if (isTerminal(record.status)) {
    if (running) return { action: 'stop-execution', reason: `the record is ${record.status} but its execution still runs` };
    return { action: 'none', reason: `the record is ${record.status} and its execution is ${execution}` };
  }
  // Active without a live term: the execution ended in Active.
  if (execution === 'SUCCEEDED' || execution === 'NOT_FOUND')
    return { action: 'none', reason: `the record is ${record.status}; no wait is owed` };
  if (running) return { action: 'escalate', reason: `the record is ${record.status} and waits on nothing, but its execution still runs` };
  return { action: 'escalate', reason: `the record is ${record.status}; its execution is ${execution}` };
}
