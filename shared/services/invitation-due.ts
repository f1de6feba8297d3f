/**
 * Reminders and expiry of pending team partner invitations (SPEC §4, §5 "Scheduled job"). The
 * scheduled job (shared/services/reminder-job.ts) reads the due index (gsi2) and calls
 * `processDueInvitation` for each due item of type PARTNER_INVITATION.
 *
 * Every write is conditional on the due time the job read, so two overlapping runs never remind
 * twice nor expire an invitation that was decided in between.
 */
import { activityItems } from '../data/activity';
import { tableName, transact, type TransactItem } from '../data/dynamo';
import { dueAction, type InvitationRecord } from '../domain/teams';
import { conflict, DomainError } from '../errors';
import { keys } from '../store/keys';
import { notificationItems } from '../notify/outbox';
import { TABLE } from '../store/table';
import { workspaceAdminEmails } from './workspace-directory';
import { workspaceScope } from './teams';

const G1PK = TABLE.indexes.byOwner.partitionKey;
const G1SK = TABLE.indexes.byOwner.sortKey;
const G2PK = TABLE.indexes.due.partitionKey;
const G2SK = TABLE.indexes.due.sortKey;

/** System actor of the activity log entries the job writes. */
const JOB_ACTOR = 'system:reminder-job';

export async function processDueInvitation(
  item: Record<string, any>,
  now: Date,
): Promise<'reminded' | 'expired' | 'resumed' | 'skipped'> {
  const inv = item as InvitationRecord & Record<string, any>;
  const dueKey: unknown = item[G2SK];
  if (typeof dueKey !== 'string' || !inv.invitationId) return 'skipped';
  const dueAt = dueKey.split('#')[0];
  const at = now.toISOString();

  const decision = dueAction(inv, dueAt, now);
  const sameDue = {
    ConditionExpression: '#status = :pending AND #g2sk = :due',
    names: { '#status': 'status', '#g2sk': G2SK },
    values: { ':pending': 'pending', ':due': dueKey },
  };

  try {
    if (decision.action === 'skip') {
      // A decided invitation that still carries due attributes: take it off the index.
      if (inv.status !== 'pending') {
        await transact(
          [
            {
              Update: {
                TableName: tableName(),
                Key: keys.partnerInvitation(inv.invitationId),
                UpdateExpression: 'REMOVE #g2pk, #g2sk',
                ConditionExpression: '#status <> :pending AND #g2sk = :due',
                ExpressionAttributeNames: { '#status': 'status', '#g2pk': G2PK, '#g2sk': G2SK },
                ExpressionAttributeValues: { ':pending': 'pending', ':due': dueKey },
              },
            },
          ],
          () => conflict('stale', 'changed'),
        );
      }
      return 'skipped';
    }

    if (decision.action === 'remind') {
      const admins = await workspaceAdminEmails(inv.workspaceId);
      const next = keys.partnerInvitationDue(decision.nextDueAt, inv.invitationId);
      const items: TransactItem[] = [
        {
          Update: {
            TableName: tableName(),
            Key: keys.partnerInvitation(inv.invitationId),
            UpdateExpression: 'SET #g2sk = :next, lastRemindedAt = :at ADD remindersSent :one',
            ConditionExpression: sameDue.ConditionExpression,
            ExpressionAttributeNames: sameDue.names,
            ExpressionAttributeValues: { ...sameDue.values, ':next': next[G2SK], ':at': at, ':one': 1 },
          },
        },
        ...activityItems([workspaceScope(inv.workspaceId)], {
          actorId: JOB_ACTOR,
          action: 'team_partner.invitation_reminded',
          target: { type: 'partner_invitation', id: inv.invitationId },
          data: { teamId: inv.teamId, recipients: admins.length },
          at,
        }),
        ...(admins.length
          ? notificationItems({
              template: 'team_partner.invitation_reminder',
              to: admins,
              data: {
                teamId: inv.teamId,
                teamName: inv.teamName,
                invitationId: inv.invitationId,
                email: inv.email,
                permission: inv.permission,
                invitedAt: inv.createdAt,
              },
              at,
            })
          : []),
      ];
      await transact(items, () => conflict('stale', 'changed'));
      return 'reminded';
    }

    // Expire: the invitation ends, its pending partner item goes, the inviter is told.
    const expiredIndex = keys.partnerInvitationIndex(inv.workspaceId, 'expired', inv.createdAt, inv.invitationId);
    await transact(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.partnerInvitation(inv.invitationId),
            UpdateExpression: 'SET #status = :expired, updatedAt = :at, #g1pk = :g1pk, #g1sk = :g1sk REMOVE #g2pk, #g2sk',
            ConditionExpression: sameDue.ConditionExpression,
            ExpressionAttributeNames: { ...sameDue.names, '#g1pk': G1PK, '#g1sk': G1SK, '#g2pk': G2PK },
            ExpressionAttributeValues: {
              ...sameDue.values,
              ':expired': 'expired',
              ':at': at,
              ':g1pk': expiredIndex[G1PK],
              ':g1sk': expiredIndex[G1SK],
            },
          },
        },
        {
          Delete: {
            TableName: tableName(),
            Key: keys.teamPartner(inv.teamId, inv.userId),
            ConditionExpression: 'attribute_not_exists(pk) OR (invitationId = :inv AND #status = :pending)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':inv': inv.invitationId, ':pending': 'pending' },
          },
        },
        ...activityItems([workspaceScope(inv.workspaceId)], {
          actorId: JOB_ACTOR,
          action: 'team_partner.expired',
          target: { type: 'partner_invitation', id: inv.invitationId },
          data: { teamId: inv.teamId, userId: inv.userId },
          at,
        }),
        ...notificationItems({
          template: 'team_partner.expired',
          to: [inv.inviterEmail],
          data: { teamId: inv.teamId, teamName: inv.teamName, invitationId: inv.invitationId, email: inv.email },
          at,
        }),
      ],
      () => conflict('stale', 'changed'),
    );
    return 'expired';
  } catch (error) {
    // The invitation moved on since the job read it (decided, or handled by an overlapping run).
    if (error instanceof DomainError && error.code === 'stale') return 'skipped';
    throw error;
  }
}
