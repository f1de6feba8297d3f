/**
 * Notification templates (SPEC §7): per template, the e-mail's content (rendered at delivery,
 * shared/notify/email.tsx; the subject is rendered when the notification is recorded, subjects.ts), written for the
 * situation: who did or asked what, what the recipient can do, by when, and the one link that opens
 * the client application on the object. A link never decides anything: the recipient signs in there.
 *
 * Rules every template keeps (test/unit/emails.test.ts checks them on every template):
 *   - read data only through NotificationData (checked reads with fallbacks: no `undefined` or raw JSON);
 *   - never show a task token, a table key or another tenant's data: the guest side of a partnership
 *     never sees the host's reason for the request (it is never in the guest's notification data, and
 *     no guest-facing template reads `reason` except the guest's own decline, sent to the host);
 *   - people of the other workspace are named by name and workspace only, never by another address
 *     than the ones the API shows them.
 */
import {
  p,
  pair,
  permissionLabel,
  permissionMeans,
  plural,
  roleLabel,
  sameEmail,
  shareRoleLabel,
  shareRoleMeans,
  strong,
  team,
  NotificationData,
} from './content';
import type { AppPath, EmailContent, Paragraph, RecipientContext } from './content';
import { isKnownTemplate, type KnownTemplate } from './subjects';

export interface EmailTemplate {
  body: (d: NotificationData, recipient: RecipientContext) => EmailContent;
}

// ---- shared pieces ----------------------------------------------------------------------------------------

/** A path of the client application, or the application's start page when an id is missing. */
const path = (...segments: Array<string | undefined>): AppPath => (segments.every((s) => s !== undefined) ? segments : []);

const teamPath = (d: NotificationData, ...rest: string[]) => path('teams', d.optional('teamId'), ...rest);
const quote = (text: string): Paragraph => [`Reason given: “${text}”`];

const partnershipPath = (d: NotificationData, ...rest: string[]) => path('partnerships', d.optional('partnershipId'), ...rest);

/**
 * Who acted on a partnership: "Alice Martin (Host Co)" when the actor's name was recorded, else the
 * actor's workspace, else `fallback`.
 */
function partnershipActor(d: NotificationData, fallback: string): string {
  const { host, guest } = pair(d);
  const side = d.optional('actorWorkspaceId');
  const workspace =
    side === undefined
      ? undefined
      : side === d.optional('hostWorkspaceId')
        ? host
        : side === d.optional('guestWorkspaceId')
          ? guest
          : undefined;
  const name = d.optional('actorName');
  if (name && workspace) return `${name} (${workspace})`;
  return name ?? workspace ?? fallback;
}

/** "Decide by …" fact and sentence of a waiting stage (expiresAt recorded with the notification). */
function deadline(d: NotificationData, what: string, act = 'Decide'): { fact: Array<readonly [string, string]>; paragraph: Paragraph[] } {
  const by = d.date('expiresAt');
  if (!by) return { fact: [], paragraph: [p`Without a decision within 30 days, ${what}.`] };
  return { fact: [[`${act} by`, by]], paragraph: [p`${act} by ${strong(by)}: after that, ${what}.`] };
}

const invitationFacts = (d: NotificationData) =>
  d.list('invitations').map((i) => ['Partner', `${i.text('email', 'a partner')} (${permissionLabel(i.optional('permission'))})`] as const);

const WHY = {
  workspaceDeciders: (d: NotificationData) =>
    `You are an Owner or Admin of the workspace of the team ${team(d)}: you decide who joins its teams as a partner.`,
  inviter: (d: NotificationData) => `You invited this partner into the team ${team(d)}.`,
  invitee: (d: NotificationData) => `Your address was invited as a partner of the team ${team(d)}, which belongs to another workspace.`,
  partner: (d: NotificationData) => `You are a partner of the team ${team(d)}, which belongs to another workspace.`,
  hostDeciders: (d: NotificationData) =>
    `You are an Owner or Admin of ${pair(d).host}: you approve the partnership requests its members make.`,
  owners: (d: NotificationData) => `You are a Partnership Owner of the partnership between ${pair(d).host} and ${pair(d).guest}.`,
  involved: (d: NotificationData) => `You own, decide on or take part in the partnership between ${pair(d).host} and ${pair(d).guest}.`,
  guestMember: (d: NotificationData) => `You are a member of ${pair(d).guest}, which has a partnership with ${pair(d).host}.`,
};

const ROLE_MEANS: Record<string, string> = {
  owner: 'As the Owner you can do everything in the workspace.',
  admin:
    'As an Admin you manage members and roles, approve partner invitations and partnership requests, and change the settings of every team.',
  billing_admin: 'As a Billing Admin you can do what members do and manage the billing.',
  member:
    'As a Member you can create teams, join open teams, invite colleagues into your teams, invite partners into the teams you created, and request partnerships.',
};
const roleMeans = (role: string | undefined) =>
  (role !== undefined && Object.hasOwn(ROLE_MEANS, role) ? ROLE_MEANS[role] : undefined) ?? 'You are a member of the workspace.';

// ---- the templates -------------------------------------------------------------------------------------------

const templates = {
  // ---- workspaces and teams (SPEC §2, §3) ----
  'workspace.member_added': {
    body: (d) => {
      const workspace = d.text('workspaceName', 'a workspace');
      const role = roleLabel(d.optional('role'));
      const by = d.optional('addedBy');
      return {
        heading: `Welcome to ${workspace}`,
        preview: `You are now ${role} of ${workspace}.`,
        paragraphs: [
          by
            ? p`${strong(by)} added you to the workspace ${strong(workspace)} as ${strong(role)}.`
            : p`You were added to the workspace ${strong(workspace)} as ${strong(role)}.`,
          [roleMeans(d.optional('role'))],
        ],
        facts: [
          ['Workspace', workspace],
          ['Your role', role],
        ],
        action: { label: 'Open the workspace', path: path('workspaces', d.optional('workspaceId')) },
        why: `You are now a member of ${workspace}.`,
      };
    },
  },
  'team.member_added': {
    body: (d) => ({
      heading: `You are a member of the team ${team(d)}`,
      preview: `You can now see ${team(d)}, its members and its work items.`,
      paragraphs: [
        d.optional('actorName')
          ? p`${strong(d.text('actorName', ''))} added you to the team ${strong(team(d))}.`
          : p`A colleague added you to the team ${strong(team(d))}.`,
        p`You can now see the team, its members and its work items, create work items and be assigned to them.`,
      ],
      action: { label: 'Open the team', path: teamPath(d) },
      why: `You were added to the team ${team(d)} of your workspace.`,
    }),
  },

  // ---- team partners (SPEC §4) ----
  'team_partner.invitation_pending': {
    body: (d) => {
      const n = d.list('invitations').length;
      const inviter = d.optional('inviterName') ?? d.text('inviterEmail', 'A member of your workspace');
      const inviterEmail = d.optional('inviterEmail');
      const late = deadline(d, `the ${plural(n, 'invitation expires', 'invitations expire')} and the inviter is told`);
      return {
        heading: `${n === 1 ? 'A partner invitation waits' : `${n} partner invitations wait`} for your decision`,
        preview: `${inviter} invited ${n === 1 ? 'a partner' : `${n} partners`} into the team ${team(d)}.`,
        paragraphs: [
          inviterEmail && inviterEmail !== inviter
            ? p`${strong(inviter)} (${inviterEmail}) invited ${n === 1 ? 'a person' : `${n} people`} of another workspace into the team ${strong(team(d))}.`
            : p`${strong(inviter)} invited ${n === 1 ? 'a person' : `${n} people`} of another workspace into the team ${strong(team(d))}.`,
          p`${plural(n, 'The invitation stays', 'The invitations stay')} pending until an Owner or Admin of your workspace approves or declines ${plural(n, 'it', 'each')}. An approved partner sees this team only, with the permission shown.`,
          ...late.paragraph,
        ],
        facts: [['Team', team(d)], ...invitationFacts(d), ...late.fact],
        action: {
          label: `Review the partner ${plural(n, 'invitation', 'invitations')}`,
          path: d.optional('workspaceId') ? path('workspaces', d.optional('workspaceId'), 'partner-invitations') : teamPath(d, 'partners'),
        },
        why: WHY.workspaceDeciders(d),
      };
    },
  },
  'team_partner.invitation_reminder': {
    body: (d) => {
      const email = d.text('email', 'a partner');
      const since = d.date('invitedAt');
      const inviter = d.optional('inviterEmail');
      const late = deadline(d, 'the invitation expires and the inviter is told');
      return {
        heading: 'A partner invitation still awaits your decision',
        preview: `${email} is waiting to join the team ${team(d)}.`,
        paragraphs: [
          inviter
            ? p`${strong(inviter)} invited ${strong(email)} into the team ${strong(team(d))} with the permission ${strong(permissionLabel(d.optional('permission')))}.`
            : p`${strong(email)} was invited into the team ${strong(team(d))} with the permission ${strong(permissionLabel(d.optional('permission')))}.`,
          since
            ? p`The invitation has been waiting for a decision since ${strong(since)}.`
            : p`The invitation is still waiting for a decision.`,
          ...late.paragraph,
        ],
        facts: [
          ['Team', team(d)],
          ['Partner', email],
          ['Permission', permissionLabel(d.optional('permission'))],
          ...(since ? [['Waiting since', since] as const] : []),
          ...late.fact,
        ],
        action: { label: 'Review the invitation', path: path('partner-invitations', d.optional('invitationId')) },
        why: WHY.workspaceDeciders(d),
      };
    },
  },
  'team_partner.activated': {
    body: (d) => {
      const inviter = d.optional('inviterName');
      const inviterEmail = d.optional('inviterEmail');
      const permission = d.optional('permission');
      const who =
        inviter && inviterEmail ? `${inviter} (${inviterEmail})` : (inviter ?? inviterEmail ?? 'An Owner or Admin of the team’s workspace');
      return {
        heading: `You are a partner of the team ${team(d)}`,
        preview: `Permission: ${permissionLabel(permission)}.`,
        paragraphs: [
          p`${strong(who)} added you to the team ${strong(team(d))} as a partner with the permission ${strong(permissionLabel(permission))}: ${permissionMeans(permission)}.`,
          p`You stay in your own workspace; of the other workspace you see this team only.`,
        ],
        facts: [
          ['Team', team(d)],
          ['Permission', permissionLabel(permission)],
        ],
        action: { label: 'Open the team', path: teamPath(d) },
        why: WHY.invitee(d),
      };
    },
  },
  'team_partner.activated_summary': {
    body: (d) => {
      const n = d.list('invitations').length;
      return {
        heading: `${n === 1 ? 'A partner was' : `${n} partners were`} added to the team ${team(d)}`,
        preview: `The ${plural(n, 'partner', 'partners')} you invited can use the team now.`,
        paragraphs: [
          p`The ${plural(n, 'partner', 'partners')} you invited into ${strong(team(d))} ${plural(n, 'is', 'are')} active now, without waiting for an approval; each was told by e-mail.`,
          p`You can change a partner’s permission or remove a partner at any time.`,
        ],
        facts: [['Team', team(d)], ...invitationFacts(d)],
        action: { label: 'Manage the team’s partners', path: teamPath(d, 'partners') },
        why: WHY.inviter(d),
      };
    },
  },
  'team_partner.approved': {
    body: (d, r) => {
      const email = d.text('email', 'the partner');
      const permission = d.optional('permission');
      if (sameEmail(r.to, d.optional('email'))) {
        return {
          heading: `You are a partner of the team ${team(d)}`,
          preview: `Your invitation was approved: permission ${permissionLabel(permission)}.`,
          paragraphs: [
            p`Your invitation into the team ${strong(team(d))} was approved: you are a partner with the permission ${strong(permissionLabel(permission))}: ${permissionMeans(permission)}.`,
            p`You stay in your own workspace; of the other workspace you see this team only.`,
          ],
          facts: [
            ['Team', team(d)],
            ['Permission', permissionLabel(permission)],
          ],
          action: { label: 'Open the team', path: teamPath(d) },
          why: WHY.invitee(d),
        };
      }
      const decider = d.optional('actorName') ?? 'An Owner or Admin of your workspace';
      return {
        heading: 'Your partner invitation was approved',
        preview: `${email} is a partner of ${team(d)} now.`,
        paragraphs: [
          p`${strong(decider)} approved your invitation of ${strong(email)} into the team ${strong(team(d))}.`,
          p`${email} is a partner with the permission ${strong(permissionLabel(permission))} now.`,
        ],
        facts: [
          ['Team', team(d)],
          ['Partner', email],
          ['Permission', permissionLabel(permission)],
        ],
        action: { label: 'Manage the team’s partners', path: teamPath(d, 'partners') },
        why: WHY.inviter(d),
      };
    },
  },
  'team_partner.declined': {
    body: (d, r) => {
      const email = d.text('email', 'the partner');
      const reason = d.optional('reason');
      const invitee = sameEmail(r.to, d.optional('email'));
      return {
        heading: invitee ? `Your invitation to the team ${team(d)} was declined` : 'Your partner invitation was declined',
        preview: invitee ? `You were not added to ${team(d)}.` : `${email} will not join ${team(d)}.`,
        paragraphs: [
          invitee
            ? p`An Owner or Admin of the team’s workspace declined the invitation of your address into the team ${strong(team(d))}. You have no access to the team.`
            : p`${strong(d.optional('actorName') ?? 'An Owner or Admin of your workspace')} declined your invitation of ${strong(email)} into the team ${strong(team(d))}.`,
          ...(reason ? [quote(reason)] : []),
        ],
        action: { label: 'See the invitation', path: path('partner-invitations', d.optional('invitationId')) },
        why: invitee ? WHY.invitee(d) : WHY.inviter(d),
      };
    },
  },
  'team_partner.expired': {
    body: (d) => {
      const email = d.text('email', 'the partner');
      return {
        heading: 'Your partner invitation expired',
        preview: `No one decided on ${email} within 30 days.`,
        paragraphs: [
          p`Your invitation of ${strong(email)} into the team ${strong(team(d))} expired: no Owner or Admin of your workspace decided on it within 30 days.`,
          p`You can invite ${email} again; the new invitation waits for a decision like the first.`,
        ],
        action: { label: 'Manage the team’s partners', path: teamPath(d, 'partners') },
        why: WHY.inviter(d),
      };
    },
  },
  'team_partner.permission_changed': {
    body: (d) => {
      const permission = d.optional('permission');
      const actor = d.optional('actorName');
      return {
        heading: `Your permission in the team ${team(d)} changed`,
        preview: `Permission: ${permissionLabel(permission)}.`,
        paragraphs: [
          actor
            ? p`${strong(actor)} changed your permission in the team ${strong(team(d))} to ${strong(permissionLabel(permission))}: ${permissionMeans(permission)}.`
            : p`Your permission in the team ${strong(team(d))} is now ${strong(permissionLabel(permission))}: ${permissionMeans(permission)}.`,
        ],
        facts: [
          ['Team', team(d)],
          ['Permission', permissionLabel(permission)],
        ],
        action: { label: 'Open the team', path: teamPath(d) },
        why: WHY.partner(d),
      };
    },
  },
  'team_partner.removed': {
    body: (d) => {
      const actor = d.optional('actorName');
      return {
        heading: `You are no longer a partner of the team ${team(d)}`,
        preview: 'Your access to the team ended.',
        paragraphs: [
          actor
            ? p`${strong(actor)} removed you from the team ${strong(team(d))}.`
            : p`A manager of the team removed you from the team ${strong(team(d))}.`,
          p`You no longer see the team or its work items. Your own workspace is not affected.`,
        ],
        action: { label: 'Open the app', path: [] },
        why: `You were a partner of the team ${team(d)}.`,
      };
    },
  },

  // ---- host-guest partnerships (SPEC §5) ----
  'partnership.requested': {
    body: (d) => {
      const { host, guest } = pair(d);
      const name = d.optional('requesterName');
      const email = d.optional('requesterEmail');
      const requester = name && email ? `${name} (${email})` : (name ?? email ?? 'A member of your workspace');
      const reason = d.optional('reason');
      const late = deadline(d, 'the request expires and the requester is told');
      return {
        heading: 'A partnership request awaits your approval',
        preview: `${requester} asks for a partnership with ${guest}.`,
        paragraphs: [
          p`${strong(requester)} asks for a partnership between ${strong(host)} and ${strong(guest)}.`,
          ...(reason ? [[`Their reason: “${reason}”`] as Paragraph] : []),
          p`As an Owner or Admin of ${host} you can approve the request (then ${guest} is asked to accept the terms) or decline it.`,
          ...late.paragraph,
        ],
        facts: [['Host', host], ['Guest', guest], ['Requested by', requester], ...late.fact],
        action: { label: 'Review the request', path: partnershipPath(d) },
        why: WHY.hostDeciders(d),
      };
    },
  },
  'partnership.invitation': {
    body: (d) => {
      const { host, guest } = pair(d);
      const sender = d.optional('requesterEmail');
      const late = deadline(d, 'the invitation expires');
      return {
        heading: `${host} invites ${guest} to a partnership`,
        preview: `Accept the terms or decline on behalf of ${guest}.`,
        paragraphs: [
          p`${strong(host)} invites your workspace ${strong(guest)} to a partnership. Once it is active, ${host} can share accounts with members of ${guest}, and both sides see the partnership and its activity.`,
          p`As an Owner or Admin of ${guest} you can accept the terms or decline.`,
          ...late.paragraph,
        ],
        facts: [['From', host], ['To', guest], ...(sender ? [['Requested by', sender] as const] : []), ...late.fact],
        action: { label: 'Review the invitation', path: partnershipPath(d) },
        why: `${host} named your address as an Owner or Admin of ${guest} for this partnership.`,
      };
    },
  },
  'partnership.accepted': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'The partnership is active',
        preview: `${guest} accepted the partnership with ${host}.`,
        paragraphs: [
          p`${strong(partnershipActor(d, guest))} accepted the terms: the partnership between ${strong(host)} and ${strong(guest)} is active.`,
          p`Partnership Owners can now share accounts of ${host} with members of ${guest}.`,
        ],
        facts: [
          ['Host', host],
          ['Guest', guest],
          ['Status', 'active'],
        ],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },
  'partnership.declined_by_host': {
    body: (d) => {
      const { host, guest } = pair(d);
      const reason = d.optional('reason');
      return {
        heading: 'Your partnership request was declined',
        preview: `An Owner or Admin of ${host} declined the request.`,
        paragraphs: [
          p`${strong(partnershipActor(d, `An Owner or Admin of ${host}`))} declined the partnership request between ${strong(host)} and ${strong(guest)}.`,
          ...(reason ? [quote(reason)] : []),
          p`The request is closed; ${guest} was not asked. You can make a new request.`,
        ],
        action: { label: 'Open the request', path: partnershipPath(d) },
        why: WHY.owners(d),
      };
    },
  },
  'partnership.declined_by_guest': {
    body: (d) => {
      const { host, guest } = pair(d);
      const reason = d.optional('reason');
      const late = deadline(d, 'the request expires', 'Send it again');
      return {
        heading: `${guest} declined the partnership`,
        preview: 'You can send the invitation again or cancel the request.',
        paragraphs: [
          p`${strong(partnershipActor(d, guest))} declined the invitation to a partnership between ${strong(host)} and ${strong(guest)}.`,
          ...(reason ? [quote(reason)] : []),
          p`A Partnership Owner or an Admin of ${host} can send the invitation again, or cancel the request.`,
          ...late.paragraph,
        ],
        facts: [['Host', host], ['Guest', guest], ...late.fact],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.owners(d),
      };
    },
  },
  'partnership.cancelled': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'A partnership request was cancelled',
        preview: 'Nothing more is needed from you.',
        paragraphs: [
          p`${strong(partnershipActor(d, `A Partnership Owner of ${host}`))} cancelled the partnership request between ${strong(host)} and ${strong(guest)}.`,
          p`The request is closed: nothing more is needed from you.`,
        ],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },
  'partnership.removed': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'A partnership was ended',
        preview: 'Every account shared through it is no longer accessible.',
        paragraphs: [
          p`${strong(partnershipActor(d, 'An owner of the partnership'))} ended the partnership between ${strong(host)} and ${strong(guest)}.`,
          p`Every account shared through it is no longer accessible to ${guest}. Its record and activity are kept.`,
        ],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },
  'partnership.expired': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'Your partnership request expired',
        preview: 'No decision was made within 30 days.',
        paragraphs: [
          p`The partnership request between ${strong(host)} and ${strong(guest)} expired: no decision was made within 30 days.`,
          p`You can make a new request.`,
        ],
        action: { label: 'Open the request', path: partnershipPath(d) },
        why: `You requested the partnership between ${host} and ${guest}.`,
      };
    },
  },
  'partnership.reminder': {
    body: (d) => {
      const { host, guest } = pair(d);
      const guestStage = d.optional('status') === 'awaiting_guest_acceptance';
      const since = d.date('stageEnteredAt');
      const late = deadline(d, guestStage ? 'the invitation expires' : 'the request expires');
      const manual = d.optional('actorName');
      return {
        heading: 'A partnership awaits your decision',
        preview: guestStage ? `${host} is waiting for ${guest} to accept.` : `A request for a partnership with ${guest} is waiting.`,
        paragraphs: [
          manual
            ? p`${strong(partnershipActor(d, manual))} reminds you that the partnership between ${strong(host)} and ${strong(guest)} awaits your decision.`
            : p`The partnership between ${strong(host)} and ${strong(guest)} awaits your decision.`,
          guestStage
            ? p`It has been waiting for ${guest}’s acceptance${since ? ` since ${since}` : ''}. As an Owner or Admin of ${guest} you can accept the terms or decline.`
            : p`It has been waiting for approval by ${host}${since ? ` since ${since}` : ''}. As an Owner or Admin of ${host} you can approve or decline it.`,
          ...late.paragraph,
        ],
        facts: [['Host', host], ['Guest', guest], ...(since ? [['Waiting since', since] as const] : []), ...late.fact],
        action: { label: 'Review the partnership', path: partnershipPath(d) },
        why: guestStage ? `You are asked to decide for ${guest} on this partnership.` : WHY.hostDeciders(d),
      };
    },
  },
  'partnership.owner_added': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'You are a Partnership Owner',
        preview: `Of the partnership between ${host} and ${guest}.`,
        paragraphs: [
          p`${strong(d.optional('actorName') ?? 'A Partnership Owner')} made you an owner of the partnership between ${strong(host)} and ${strong(guest)}.`,
          p`You can follow it and remind its deciders, share accounts of ${host} with members of ${guest}, decide on their access requests, and cancel or end it.`,
        ],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.owners(d),
      };
    },
  },

  'partnership.owner_succession': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'You are now a Partnership Owner',
        preview: `The last owner of the partnership with ${guest} left ${host}.`,
        paragraphs: [
          p`The last Partnership Owner of the partnership between ${strong(host)} and ${strong(guest)} left ${strong(host)}. As the Owner of ${strong(host)}, you now own it, so it always has someone who answers for it.`,
          p`You can follow it, share accounts of ${host} with members of ${guest}, decide on their access requests, add co-owners, and end it.`,
        ],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: `You are the Owner of ${host}.`,
      };
    },
  },
  'partnership.recertification_opened': {
    body: (d) => {
      const { host, guest } = pair(d);
      const due = d.date('dueAt');
      return {
        heading: 'Time to recertify a partnership',
        preview: `Confirm that ${host} and ${guest} still need it${due ? ` by ${due}` : ''}.`,
        paragraphs: [
          p`The current term of the partnership between ${strong(host)} and ${strong(guest)} is ending. Each side confirms that it is still needed: ${host} by a Partnership Owner or an Owner/Admin, ${guest} by an Owner/Admin.`,
          due
            ? p`Confirm by ${strong(due)}. When both sides have confirmed, a new term starts; otherwise the partnership ends then and every shared account is closed.`
            : p`When both sides have confirmed, a new term starts; otherwise the partnership ends at the end of its term and every shared account is closed.`,
        ],
        facts: due ? [['Confirm by', due]] : [],
        action: { label: 'Review the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },
  'partnership.recertification_reminder': {
    body: (d) => {
      const { host, guest } = pair(d);
      const due = d.date('dueAt');
      return {
        heading: 'A partnership still needs your confirmation',
        preview: `Your side has not recertified the partnership between ${host} and ${guest} yet.`,
        paragraphs: [
          p`Your side has not yet confirmed that the partnership between ${strong(host)} and ${strong(guest)} is still needed.`,
          due
            ? p`Without both confirmations by ${strong(due)}, the partnership ends and every shared account is closed.`
            : p`Without both confirmations before the end of its term, the partnership ends and every shared account is closed.`,
        ],
        facts: due ? [['Confirm by', due]] : [],
        action: { label: 'Review the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },
  'partnership.renewed': {
    body: (d) => {
      const { host, guest } = pair(d);
      const until = d.date('endsAt');
      return {
        heading: 'A partnership was renewed',
        preview: `Both sides confirmed the partnership between ${host} and ${guest}.`,
        paragraphs: [
          p`Both ${strong(host)} and ${strong(guest)} confirmed their partnership: a new term has started.`,
          ...(until ? [p`It runs until ${strong(until)}; you will be asked to recertify it 14 days before.`] : []),
        ],
        facts: until ? [['New term ends', until]] : [],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },
  'partnership.ended': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'A partnership ended at the end of its term',
        preview: 'It was not recertified by both sides in time.',
        paragraphs: [
          p`The partnership between ${strong(host)} and ${strong(guest)} was not recertified by both sides before the end of its term, so it has ended.`,
          p`Every account shared through it is no longer accessible to ${guest}. Its record and activity are kept; a new partnership can be requested.`,
        ],
        action: { label: 'Open the partnership', path: partnershipPath(d) },
        why: WHY.involved(d),
      };
    },
  },

  // ---- sharing (SPEC §6) ----
  'share.granted': {
    body: (d) => {
      const { host } = pair(d);
      const account = d.text('accountName', 'an account');
      const role = d.optional('role');
      return {
        heading: `You can use the account ${account}`,
        preview: `${host} shared it with you as ${shareRoleLabel(role)}.`,
        paragraphs: [
          p`${strong(partnershipActor(d, host))} shared the account ${strong(account)} of ${strong(host)} with you as ${strong(shareRoleLabel(role))}: ${shareRoleMeans(role)}.`,
          p`Each login goes through the app and is recorded in the partnership’s activity.`,
        ],
        facts: [
          ['Account', account],
          ['Shared by', host],
          ['Your role', shareRoleLabel(role)],
        ],
        action: { label: 'Open the account', path: path('accounts', d.optional('accountId')) },
        why: WHY.guestMember(d),
      };
    },
  },
  'share.access_removed': {
    body: (d) => {
      const { host, guest } = pair(d);
      return {
        heading: 'Your access to shared accounts was removed',
        preview: `You can no longer log in to the accounts ${host} shares.`,
        paragraphs: [
          p`${strong(partnershipActor(d, `A Partnership Owner of ${host}`))} removed your access to the accounts ${strong(host)} shares with ${strong(guest)}.`,
          p`You can no longer log in to them. If you think this is a mistake, ask an Owner or Admin of ${guest}.`,
        ],
        action: { label: 'Open the app', path: [] },
        why: WHY.guestMember(d),
      };
    },
  },
  'access_request.created': {
    body: (d) => {
      const { guest } = pair(d);
      const email = d.text('email', 'a member of the guest workspace');
      const account = d.text('accountName', 'a shared account');
      const requester = d.text('requesterEmail', `A Manager of ${guest}`);
      return {
        heading: 'An access request awaits your decision',
        preview: `${requester} asks for access to ${account} for ${email}.`,
        paragraphs: [
          p`${strong(requester)}, a Manager of the account ${strong(account)}, asks that ${strong(email)} of ${guest} may log in to it as a Collaborator.`,
          p`As a Partnership Owner you can approve or decline the request.`,
        ],
        facts: [
          ['Account', account],
          ['For', email],
          ['Role', 'Collaborator'],
          ['Asked by', requester],
        ],
        action: { label: 'Review access requests', path: partnershipPath(d, 'access-requests') },
        why: WHY.owners(d),
      };
    },
  },
  'access_request.approved': {
    body: (d, r) => {
      const email = d.text('email', 'your colleague');
      const account = d.text('accountName', 'the shared account');
      const target = sameEmail(r.to, d.optional('email'));
      return {
        heading: target ? `You can use the account ${account}` : 'Your access request was approved',
        preview: target ? 'You can log in as a Collaborator.' : `${email} can log in to ${account}.`,
        paragraphs: [
          target
            ? p`A request for your access to the account ${strong(account)} of ${strong(pair(d).host)} was approved: you can log in to it as a ${strong('Collaborator')}.`
            : p`Your request for ${strong(email)} to use the account ${strong(account)} was approved: ${email} can log in to it as a Collaborator.`,
          p`Each login goes through the app and is recorded in the partnership’s activity.`,
        ],
        action: { label: 'Open the account', path: path('accounts', d.optional('accountId')) },
        why: target ? WHY.guestMember(d) : `You asked for this access as a Manager of the account ${account}.`,
      };
    },
  },
  'access_request.declined': {
    body: (d, r) => {
      const email = d.text('email', 'your colleague');
      const account = d.text('accountName', 'the shared account');
      const target = sameEmail(r.to, d.optional('email'));
      const reason = d.optional('reason');
      return {
        heading: 'An access request was declined',
        preview: `No access to ${account}.`,
        paragraphs: [
          target
            ? p`A request for your access to the account ${strong(account)} of ${strong(pair(d).host)} was declined by a Partnership Owner.`
            : p`A Partnership Owner declined your request for ${strong(email)} to use the account ${strong(account)}.`,
          ...(reason ? [quote(reason)] : []),
        ],
        action: { label: 'See the access requests', path: partnershipPath(d, 'access-requests') },
        why: target ? WHY.guestMember(d) : `You asked for this access as a Manager of the account ${account}.`,
      };
    },
  },
  // ---- webhooks (SPEC §11) ----
  'webhook.disabled': {
    body: (d) => {
      const workspace = d.text('workspaceName', 'your workspace');
      const url = d.text('url', 'the endpoint');
      const since = d.date('failingSince');
      return {
        heading: 'A webhook endpoint was disabled',
        preview: `Events of ${workspace} are no longer sent to ${d.text('host', 'this endpoint')}.`,
        paragraphs: [
          since
            ? p`Every delivery to ${strong(url)} has failed since ${strong(since)}, so we stopped sending events of ${strong(workspace)} to it.`
            : p`Every delivery to ${strong(url)} has failed for 3 days, so we stopped sending events of ${strong(workspace)} to it.`,
          p`Check that the endpoint answers with a 2xx status within 10 seconds, then enable it again and redeliver the events you missed from its delivery log.`,
        ],
        facts: [['Endpoint', url], ['Workspace', workspace], ...(since ? [['Failing since', since] as const] : [])],
        action: { label: 'Open the webhook', path: path('webhooks', d.optional('webhookId')) },
        why: `You are an Owner or Admin of ${workspace}, which sends events to this webhook endpoint.`,
      };
    },
  },
} satisfies Record<KnownTemplate, EmailTemplate>;

export const TEMPLATES: Readonly<Record<KnownTemplate, EmailTemplate>> = templates;

/** An e-mail for a template without its own (a name recorded by newer code): what it is about and a link. */
export const FALLBACK_TEMPLATE: EmailTemplate = {
  body: (d) => {
    const link: AppPath = d.optional('partnershipId')
      ? partnershipPath(d)
      : d.optional('teamId')
        ? teamPath(d)
        : d.optional('workspaceId')
          ? path('workspaces', d.optional('workspaceId'))
          : [];
    return {
      heading: 'There is an update for you',
      preview: 'Open the app to see what changed.',
      paragraphs: [p`Something changed that concerns you. Open the app to see what happened and what you can do.`],
      action: { label: 'Open the app', path: link },
      why: 'You take part in what changed.',
    };
  },
};

export function templateOf(name: string): EmailTemplate {
  return isKnownTemplate(name) ? TEMPLATES[name] : FALLBACK_TEMPLATE;
}
