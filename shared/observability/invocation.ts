/**
 * The start of an invocation that is not an HTTP request (a workflow task, the scheduled job, the
 * notification delivery): its correlation id (SPEC §1) and the keys every log line of it carries
 * (SPEC §12: the correlation id, the task, the workspace ids involved where known).
 */
import { CORRELATION_ID_PATTERN, UseCaseContext, newCorrelationId } from '../context';
import { logger } from '../logger';
import type { TaskEnvelope } from '../workflow/tasks';

/** `candidate` when it is a usable correlation id (SPEC §1's pattern), else a new one. */
export function correlationIdOr(candidate: unknown): string {
  return typeof candidate === 'string' && CORRELATION_ID_PATTERN.test(candidate) ? candidate : newCorrelationId();
}

/** Replaces the logger's per-invocation keys (those of the previous invocation of this instance go). */
export function logKeys(keys: Record<string, string | undefined>): void {
  logger.resetKeys();
  logger.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)));
}

/**
 * A workflow task's context: the correlation id of the request that started the execution (from the
 * execution input every task payload carries), with its log keys set.
 */
export function workflowTaskContext(task: string, event: TaskEnvelope & { partnershipId: string }, now = new Date()): UseCaseContext {
  const execution = event.execution ?? {};
  const correlationId = correlationIdOr(execution.correlationId);
  logKeys({
    correlationId,
    task,
    partnershipId: event.partnershipId,
    hostWorkspaceId: typeof execution.hostWorkspaceId === 'string' ? execution.hostWorkspaceId : undefined,
    guestWorkspaceId: typeof execution.guestWorkspaceId === 'string' ? execution.guestWorkspaceId : undefined,
  });
  return UseCaseContext.forSystem('system:workflow', now, correlationId);
}
