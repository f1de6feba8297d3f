/**
 * How a use case records the domain event of its change (SPEC §11): in the change's own transaction,
 * with the request's correlation id and clock. Typed by the catalog: `data` is the event type's data.
 */
import type { UseCaseContext } from '../../context';
import type { EventData, EventType } from '../../events/catalog';
import type { RecordedEvent } from '../../events/types';
import { appendEvent } from '../../store/events';
import type { Transaction } from '../../store/transaction';

export interface EventOf<T extends EventType> {
  subject: string;
  data: EventData<T>;
  audience: readonly string[];
  privateData?: Record<string, Record<string, unknown>>;
}

export function recordEvent<T extends EventType>(ctx: UseCaseContext, tx: Transaction, type: T, event: EventOf<T>): RecordedEvent {
  return appendEvent(tx, {
    type,
    subject: event.subject,
    data: event.data,
    audience: event.audience,
    privateData: event.privateData,
    correlationId: ctx.correlationId,
    at: ctx.at,
  });
}

/** Subjects (CloudEvents `subject`): the collection and the id of what the event is about. */
export const subjects = {
  workspace: (id: string) => `workspaces/${id}`,
  team: (id: string) => `teams/${id}`,
  invitation: (id: string) => `partner-invitations/${id}`,
  partnership: (id: string) => `partnerships/${id}`,
  account: (partnershipId: string, accountId: string) => `partnerships/${partnershipId}/shares/${accountId}`,
  accessRequest: (id: string) => `access-requests/${id}`,
  webhook: (id: string) => `webhooks/${id}`,
};
