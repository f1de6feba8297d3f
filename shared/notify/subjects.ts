/**
 * The subject line of each notification template, rendered when the notification is recorded (in the
 * transaction of the change, by every function that notifies): kept apart from the bodies
 * (templates.ts, rendered at delivery) so that route functions bundle the subjects only.
 */
import { NotificationData, pair, permissionLabel, plural, PRODUCT_NAME, roleLabel, shareRoleLabel, team } from './content';

export const SUBJECTS = {
  'workspace.member_added': (d) => `You were added to ${d.optional('workspaceName') ?? 'a workspace'} as ${roleLabel(d.optional('role'))}`,
  'team.member_added': (d) => `You were added to the team ${team(d)}`,
  'team_partner.invitation_pending': (d) =>
    `Partner ${plural(d.list('invitations').length, 'invitation', 'invitations')} to approve for the team ${team(d)}`,
  'team_partner.invitation_reminder': (d) =>
    `Reminder: the partner invitation of ${d.text('email', 'a partner')} to the team ${team(d)} awaits your decision`,
  'team_partner.activated': (d) => `You are now a partner of the team ${team(d)} (${permissionLabel(d.optional('permission'))})`,
  'team_partner.activated_summary': (d) => `Partners added to the team ${team(d)}`,
  'team_partner.approved': (d) => `Partner invitation approved: ${d.text('email', 'a partner')} in the team ${team(d)}`,
  'team_partner.declined': (d) => `Partner invitation declined: ${d.text('email', 'a partner')} in the team ${team(d)}`,
  'team_partner.expired': (d) => `Partner invitation expired: ${d.text('email', 'a partner')} in the team ${team(d)}`,
  'team_partner.permission_changed': (d) => `Your permission in the team ${team(d)} is now ${permissionLabel(d.optional('permission'))}`,
  'team_partner.removed': (d) => `You are no longer a partner of the team ${team(d)}`,
  'partnership.requested': (d) => `Partnership request to approve: ${pair(d).host} with ${pair(d).guest}`,
  'partnership.invitation': (d) => `${pair(d).host} invites ${pair(d).guest} to a partnership`,
  'partnership.accepted': (d) => `Partnership active: ${pair(d).guest} accepted ${pair(d).host}'s partnership`,
  'partnership.declined_by_host': (d) => `Partnership request declined by ${pair(d).host}`,
  'partnership.declined_by_guest': (d) => `${pair(d).guest} declined the partnership with ${pair(d).host}`,
  'partnership.cancelled': (d) => `Partnership request cancelled: ${pair(d).host} with ${pair(d).guest}`,
  'partnership.removed': (d) => `Partnership ended: ${pair(d).host} with ${pair(d).guest}`,
  'partnership.expired': (d) => `Partnership request expired: ${pair(d).host} with ${pair(d).guest}`,
  'partnership.reminder': (d) => `Reminder: the partnership ${pair(d).host} with ${pair(d).guest} awaits your decision`,
  'partnership.owner_added': (d) => `You are now an owner of the partnership ${pair(d).host} with ${pair(d).guest}`,
  'partnership.owner_succession': (d) =>
    `You now own the partnership ${pair(d).host} with ${pair(d).guest}: its last owner left ${pair(d).host}`,
  'partnership.recertification_opened': (d) =>
    `Recertify the partnership ${pair(d).host} with ${pair(d).guest} by ${d.date('dueAt') ?? 'the end of its term'}`,
  'partnership.recertification_reminder': (d) =>
    `Reminder: the partnership ${pair(d).host} with ${pair(d).guest} ends ${d.date('dueAt') ? `on ${d.date('dueAt') ?? ''}` : 'soon'} unless both sides recertify it`,
  'partnership.renewed': (d) =>
    `Partnership renewed: ${pair(d).host} with ${pair(d).guest}${d.date('endsAt') ? ` until ${d.date('endsAt') ?? ''}` : ''}`,
  'partnership.ended': (d) => `Partnership ended: ${pair(d).host} with ${pair(d).guest} was not recertified in time`,
  'share.granted': (d) =>
    `${pair(d).host} shared the account ${d.text('accountName', 'an account')} with you (${shareRoleLabel(d.optional('role'))})`,
  'share.access_removed': (d) => `Your access to the accounts ${pair(d).host} shares with ${pair(d).guest} was removed`,
  'access_request.created': (d) =>
    `Access request to decide: ${d.text('email', 'a guest member')} for the account ${d.text('accountName', 'a shared account')}`,
  'access_request.approved': (d) =>
    `Access request approved: ${d.text('email', 'a guest member')} for the account ${d.text('accountName', 'a shared account')}`,
  'access_request.declined': (d) =>
    `Access request declined: ${d.text('email', 'a guest member')} for the account ${d.text('accountName', 'a shared account')}`,
  'webhook.disabled': (d) => `Webhook disabled: deliveries to ${d.text('host', 'your endpoint')} failed for 3 days`,
} satisfies Record<string, (d: NotificationData) => string>;

// A known name (editors complete it) or any other, which renders a fallback e-mail; `string & {}` keeps the
// known names from being absorbed into `string`.
export type KnownTemplate = keyof typeof SUBJECTS;
export type TemplateName = KnownTemplate | (string & {});

export const isKnownTemplate = (name: string): name is KnownTemplate => Object.hasOwn(SUBJECTS, name);

/** The subject line; a template without one (a name recorded by newer code) gets a generic subject that names it. */
export function renderSubject(template: TemplateName, data: Record<string, unknown>): string {
  if (isKnownTemplate(template)) return SUBJECTS[template](new NotificationData(data));
  return `An update from ${PRODUCT_NAME}: ${template.replace(/[._]/g, ' ')}`;
}
