/**
 * Reminders and expiry of pending team partner invitations (SPEC §4, §5 "Scheduled job"). The
 * scheduled job reads the due index (gsi2) and calls `processDueInvitation` for each due partner
 * invitation, with a system context and the item's due-index sort key as it read it.
 *
 * Every write is conditioned on that due key (and the invitation still pending), so two overlapping
 * runs never remind twice nor expire an invitation that was decided in between: the run that loses
 * the condition skips the item.
 */
import type { UseCaseContext } from '../../context';
import { dueAction, expiresAt } from '../../domain/teams';
import { notify } from '../../notify/notify';
import { ConcurrentChange } from '../../store';
import { appendActivity } from '../../store/activity';
import { recordEvent, subjects } from '../events/record';
import { dueTimeOf, TEAM_PARTNER_CONDITIONS } from '../../store/team-partners';
import { workspaceScope } from '../teams/service';

/** Conditions whose failure means the invitation moved on since the job read the index: skip it. */
const MOVED_ON: ReadonlySet<string> = new Set([TEAM_PARTNER_CONDITIONS.invitationDueIs, TEAM_PARTNER_CONDITIONS.partnerPending]);

export async function processDueInvitation(
  ctx: UseCaseContext,
  due: { invitationId: string; dueKey: string },
): Promise<'reminded' | 'expired' | 'skipped'> {
  const { teamPartners, users } = ctx.store;
  const invitation = await teamPartners.invitation(due.invitationId);
  if (!invitation) return 'skipped';
  const decision = dueAction(invitation, dueTimeOf(due.dueKey), ctx.now);
  const at = ctx.at;
  const tx = ctx.store.transaction();
  let outcome: 'reminded' | 'expired' | 'skipped';

  if (decision.action === 'skip') {
    // Not due yet; or decided, and then taken off the index if it still carries the due key read.
    if (invitation.status === 'pending') return 'skipped';
    teamPartners.dropDue(tx, invitation.invitationId, due.dueKey);
    outcome = 'skipped';
  } else if (decision.action === 'remind') {
    const admins = await users.adminEmails(invitation.workspaceId);
    teamPartners.remind(tx, invitation, due.dueKey, decision.nextDueAt, at);
    appendActivity(tx, [workspaceScope(invitation.workspaceId)], {
      actorId: ctx.actorId,
      action: 'team_partner.invitation_reminded',
      target: { type: 'partner_invitation', id: invitation.invitationId },
      data: { teamId: invitation.teamId, recipients: admins.length },
      at,
    });
    notify(tx, {
      template: 'team_partner.invitation_reminder',
      to: admins,
      data: {
        teamId: invitation.teamId,
        teamName: invitation.teamName,
        invitationId: invitation.invitationId,
        email: invitation.email,
        permission: invitation.permission,
        invitedAt: invitation.createdAt,
        workspaceId: invitation.workspaceId,
        inviterEmail: invitation.inviterEmail,
        expiresAt: expiresAt(invitation.createdAt),
      },
      at,
    });
    outcome = 'reminded';
  } else {
    // Expire: the invitation ends, its pending relation goes, the inviter is told.
    teamPartners.expire(tx, invitation, due.dueKey, at);
    appendActivity(tx, [workspaceScope(invitation.workspaceId)], {
      actorId: ctx.actorId,
      action: 'team_partner.expired',
      target: { type: 'partner_invitation', id: invitation.invitationId },
      data: { teamId: invitation.teamId, userId: invitation.userId },
      at,
    });
    recordEvent(ctx, tx, 'team_partner.invitation_expired.v1', {
      subject: subjects.invitation(invitation.invitationId),
      data: {
        workspaceId: invitation.workspaceId,
        teamId: invitation.teamId,
        invitationId: invitation.invitationId,
        userId: invitation.userId,
      },
      audience: [invitation.workspaceId],
    });
    notify(tx, {
      template: 'team_partner.expired',
      to: [invitation.inviterEmail],
      data: { teamId: invitation.teamId, teamName: invitation.teamName, invitationId: invitation.invitationId, email: invitation.email },
      at,
    });
    outcome = 'expired';
  }

  try {
    await tx.commit();
  } catch (error) {
    // The invitation moved on since the job read it (decided, or handled by an overlapping run). A
    // conflict with a concurrent transaction is rethrown: the item stays due and the next run retries it.
    if (error instanceof ConcurrentChange && error.condition !== undefined && MOVED_ON.has(error.condition)) return 'skipped';
    throw error;
  }
  return outcome;
}
