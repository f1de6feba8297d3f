/**
 * Storage of host-guest partnerships: the item <-> record mapping, the list entries, and the one
 * transaction every change of a partnership is written with. Optimistic concurrency: every write of
 * the partnership item is conditioned on the `version` it read and bumps it; a failed condition
 * returns the current item (ALL_OLD), so the caller re-decides on it (the loser of two conflicting
 * decisions then gets 409 invalid_state).
 */
import { activityItems } from '../data/activity';
import { putNew, put, tableName, transact, type Item, type TransactItem } from '../data/dynamo';
import {
  isTerminal,
  nextDueAt,
  RECORD_FIELDS,
  type PartnershipRecord,
  type Recipients,
} from '../domain/partnership';
import { conflict, DomainError } from '../errors';
import { ENTITY, keys, normalizeEmail, type ActivityScope } from '../store/keys';
import { notificationItems } from '../notify/outbox';
import { TABLE } from '../store/table';
import { workspaceAdminEmails } from './workspace-directory';

// ---- mapping ------------------------------------------------------------------------------------------

export function toRecord(item: Item): PartnershipRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) if (item[field] !== undefined) record[field] = item[field];
  return record as unknown as PartnershipRecord;
}

/** The partnership item: the record, its host list entry (gsi1) and, while something is due, gsi2. */
export function partnershipItem(record: PartnershipRecord): Item {
  const due = nextDueAt(record);
  return {
    ...keys.partnership(record.partnershipId),
    type: ENTITY.partnership,
    ...stripUndefined(record),
    ...keys.partnershipListIndex(keys.partnershipsHostPartition(record.hostWorkspaceId), record.createdAt, record.partnershipId),
    ...(due ? keys.partnershipDue(due, record.partnershipId) : {}),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What a list shows (the list entries carry a copy, so a list is one Query). */
export function partnershipSummary(record: PartnershipRecord) {
  return {
    partnershipId: record.partnershipId,
    hostWorkspaceId: record.hostWorkspaceId,
    hostName: record.hostName,
    guestWorkspaceId: record.guestWorkspaceId,
    guestName: record.guestName,
    partnerEmail: record.partnerEmail,
    status: record.status,
    requesterId: record.requesterId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
export type PartnershipSummary = ReturnType<typeof partnershipSummary>;

/** ProjectionExpression of what partnershipSummary reads (list Queries need not carry whole records). */
export const summaryProjection = {
  ProjectionExpression: 'partnershipId, hostWorkspaceId, hostName, guestWorkspaceId, guestName, partnerEmail, #status, requesterId, createdAt, updatedAt',
  names: { '#status': 'status' },
};

export function summaryFromItem(item: Item): PartnershipSummary {
  return partnershipSummary(item as PartnershipRecord);
}

const guestListingItem = (record: PartnershipRecord): Item => ({
  ...keys.partnershipGuestListing(record.partnershipId),
  type: ENTITY.partnershipListing,
  listing: 'guest',
  ...partnershipSummary(record),
  ...keys.partnershipListIndex(keys.partnershipsGuestPartition(record.guestWorkspaceId), record.createdAt, record.partnershipId),
});

const ownerListingItem = (record: PartnershipRecord, userId: string): Item => ({
  ...keys.partnershipOwnerListing(record.partnershipId, userId),
  type: ENTITY.partnershipListing,
  listing: 'owner',
  ownerId: userId,
  ...partnershipSummary(record),
  ...keys.partnershipListIndex(
    keys.partnershipsOwnerPartition(record.hostWorkspaceId, userId),
    record.createdAt,
    record.partnershipId,
  ),
});

// ---- the change transaction ------------------------------------------------------------------------

/** A failed version condition: the partnership changed since it was read. Carries the current item. */
export class StaleRecord extends DomainError {
  constructor(readonly current: Item | undefined) {
    super('conflict', 'concurrent_update', 'The partnership changed while we were working on it; retry.');
  }
}

export interface ChangeInput {
  /** The record as read (undefined when creating). */
  prev: PartnershipRecord | undefined;
  next: PartnershipRecord;
  activity?: { action: string; actorId: string; data?: Record<string, unknown>; at: string };
  notification?: { template: string; to: string[]; data?: Record<string, unknown>; at: string };
  /** Extra items (condition checks...), appended after the partnership's own items. */
  extra?: TransactItem[];
}

export function activityScopes(record: PartnershipRecord): ActivityScope[] {
  const scopes: ActivityScope[] = [
    { kind: 'partnership', id: record.partnershipId },
    { kind: 'workspace', id: record.hostWorkspaceId },
  ];
  if (record.guestVisible) scopes.push({ kind: 'workspace', id: record.guestWorkspaceId });
  return scopes;
}

export function notificationData(record: PartnershipRecord, extra: Record<string, unknown> = {}) {
  return {
    partnershipId: record.partnershipId,
    hostWorkspaceId: record.hostWorkspaceId,
    hostName: record.hostName,
    guestWorkspaceId: record.guestWorkspaceId,
    guestName: record.guestName,
    status: record.status,
    ...extra,
  };
}

/** Indexes (in the item list) of the items whose condition can fail, to name the error. */
export interface ChangeItems {
  items: TransactItem[];
  guardIndex: number;
  extraStart: number;
}

export function changeItems(input: ChangeInput): ChangeItems {
  const { prev, next } = input;
  const main: TransactItem = prev
    ? {
        Put: {
          TableName: tableName(),
          Item: partnershipItem(next),
          ConditionExpression: 'version = :seen',
          ExpressionAttributeValues: { ':seen': prev.version },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      }
    : putNew(partnershipItem(next));
  const items: TransactItem[] = [main];

  // The list entries, when what they show changed (or they are new).
  const summaryChanged = !prev || JSON.stringify(partnershipSummary(prev)) !== JSON.stringify(partnershipSummary(next));
  if (next.guestVisible && (summaryChanged || !prev?.guestVisible)) items.push(put(guestListingItem(next)));
  for (const owner of next.owners) {
    const isNew = !prev?.owners.some((o) => o.userId === owner.userId);
    if (summaryChanged || isNew) items.push(put(ownerListingItem(next, owner.userId)));
  }

  // One non-terminal partnership per (host, guest): the guard lives exactly as long.
  let guardIndex = -1;
  const guardKey = keys.partnershipGuard(next.hostWorkspaceId, next.guestWorkspaceId);
  if (!prev) {
    guardIndex = items.length;
    items.push(putNew({ ...guardKey, type: ENTITY.partnershipGuard, partnershipId: next.partnershipId, createdAt: next.createdAt }));
  } else if (!isTerminal(prev.status) && isTerminal(next.status)) {
    items.push({
      Delete: {
        TableName: tableName(),
        Key: guardKey,
        ConditionExpression: 'attribute_not_exists(pk) OR partnershipId = :id',
        ExpressionAttributeValues: { ':id': next.partnershipId },
      },
    });
  }

  if (input.activity) {
    items.push(
      ...activityItems(activityScopes(next), {
        actorId: input.activity.actorId,
        action: input.activity.action,
        target: { type: 'partnership', id: next.partnershipId },
        data: { from: prev?.status ?? null, to: next.status, ...input.activity.data },
        at: input.activity.at,
      }),
    );
  }
  if (input.notification && input.notification.to.length > 0) {
    items.push(
      ...notificationItems({
        template: input.notification.template,
        to: input.notification.to,
        data: notificationData(next, input.notification.data),
        at: input.notification.at,
      }),
    );
  }
  const extraStart = items.length;
  items.push(...(input.extra ?? []));
  return { items, guardIndex, extraStart };
}

/**
 * Writes one change. Throws StaleRecord (with the current item) when the version moved on,
 * `onOtherFailure(index)` for a failed condition of another item.
 */
export async function writeChange(input: ChangeInput, onOtherFailure?: (index: number, current: Item | undefined, built: ChangeItems) => DomainError) {
  const built = changeItems(input);
  await transact(built.items, (index, current) => {
    if (index === 0) {
      return input.prev ? new StaleRecord(current) : conflict('concurrent_update', 'The partnership was created concurrently; retry.');
    }
    return onOtherFailure?.(index, current, built) ?? conflict('concurrent_update', 'The partnership changed concurrently; retry.');
  });
}

/** A single conditional update of the partnership item (no other items), bumping its version. */
export function updateItem(
  partnershipId: string,
  update: { set?: string[]; remove?: string[]; condition: string; names?: Record<string, string>; values?: Record<string, unknown> },
): TransactItem {
  const set = ['version = version + :one', ...(update.set ?? [])];
  const expression = `SET ${set.join(', ')}${update.remove?.length ? ` REMOVE ${update.remove.join(', ')}` : ''}`;
  return {
    Update: {
      TableName: tableName(),
      Key: keys.partnership(partnershipId),
      UpdateExpression: expression,
      ConditionExpression: update.condition,
      ...(update.names && Object.keys(update.names).length ? { ExpressionAttributeNames: update.names } : {}),
      ExpressionAttributeValues: { ':one': 1, ...update.values },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** gsi2 attribute assignments for an update: SET to the record's next due time, or REMOVE. */
export function dueAssignment(record: PartnershipRecord): { set: string[]; remove: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const due = nextDueAt(record);
  const names = { '#dpk': TABLE.indexes.due.partitionKey, '#dsk': TABLE.indexes.due.sortKey };
  if (!due) return { set: [], remove: ['#dpk', '#dsk'], names, values: {} };
  const attrs = keys.partnershipDue(due, record.partnershipId);
  return {
    set: ['#dpk = :dpk', '#dsk = :dsk'],
    remove: [],
    names,
    values: { ':dpk': attrs[TABLE.indexes.due.partitionKey], ':dsk': attrs[TABLE.indexes.due.sortKey] },
  };
}

// ---- recipients -------------------------------------------------------------------------------------------

/**
 * Resolves recipient groups to e-mails. Host admins are read (the host workspace's admin directory)
 * only when a group needs them. The actor is never notified of their own action.
 */
export async function resolveRecipients(
  groups: Recipients[],
  record: PartnershipRecord,
  actorEmail: string | undefined,
  loadHostAdmins: () => Promise<string[]> = () => workspaceAdminEmails(record.hostWorkspaceId),
): Promise<string[]> {
  const emails: string[] = [];
  for (const group of new Set(groups)) {
    if (group === 'owners') emails.push(...record.owners.map((o) => o.email));
    if (group === 'partner') emails.push(record.partnerEmail);
    if (group === 'requester') emails.push(record.requesterEmail);
    if (group === 'hostAdmins') emails.push(...(await loadHostAdmins()));
  }
  const actor = actorEmail ? normalizeEmail(actorEmail) : undefined;
  return [...new Set(emails.map(normalizeEmail))].filter((e) => e !== actor);
}
