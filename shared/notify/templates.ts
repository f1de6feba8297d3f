/** Notification templates: name -> subject line. Bodies are rendered by the delivery channel. */
export const TEMPLATES = {
  // team partners (issue 3)
  'team.member_added': (d) => `You were added to the team ${d.teamName}`,
  'team_partner.invitation_pending': (d) =>
    `Partner invitation${Array.isArray(d.invitations) && d.invitations.length > 1 ? 's' : ''} to approve for the team ${d.teamName}`,
  'team_partner.invitation_reminder': (d) => `Reminder: a partner invitation (${d.email}, team ${d.teamName}) awaits your decision`,
  'team_partner.activated': (d) => `You are now a partner of the team ${d.teamName} (${d.permission})`,
  'team_partner.activated_summary': (d) => `Partners added to the team ${d.teamName}`,
  'team_partner.approved': (d) => `Partner invitation approved: ${d.email} in the team ${d.teamName}`,
  'team_partner.declined': (d) => `Partner invitation declined: ${d.email} in the team ${d.teamName}`,
  'team_partner.expired': (d) => `Partner invitation expired: ${d.email} in the team ${d.teamName}`,
  'team_partner.permission_changed': (d) => `Your permission in the team ${d.teamName} is now ${d.permission}`,
  'team_partner.removed': (d) => `You are no longer a partner of the team ${d.teamName}`,
  // host-guest partnerships (issue 4)
  'partnership.requested': (d) => `Partnership request to approve: ${d.hostName} with ${d.guestName}`,
  'partnership.invitation': (d) => `${d.hostName} invites ${d.guestName} to a partnership`,
  'partnership.accepted': (d) => `Partnership active: ${d.guestName} accepted ${d.hostName}'s partnership`,
  'partnership.declined_by_host': (d) => `Partnership request declined by ${d.hostName}`,
  'partnership.declined_by_guest': (d) => `${d.guestName} declined the partnership with ${d.hostName}`,
  'partnership.cancelled': (d) => `Partnership request cancelled: ${d.hostName} with ${d.guestName}`,
  'partnership.removed': (d) => `Partnership ended: ${d.hostName} with ${d.guestName}`,
  'partnership.expired': (d) => `Partnership request expired: ${d.hostName} with ${d.guestName}`,
  'partnership.reminder': (d) => `Reminder: a partnership (${d.hostName} with ${d.guestName}) awaits your decision`,
  'partnership.owner_added': (d) => `You are now an owner of the partnership ${d.hostName} with ${d.guestName}`,
  // sharing (issue 5)
  'share.granted': (d) => `${d.hostName} shared the account ${d.accountName} with you (${d.role})`,
  'share.access_removed': (d) => `Your access to the accounts ${d.hostName} shares with ${d.guestName} was removed`,
  'access_request.created': (d) => `Access request to decide: ${d.email} for the account ${d.accountName}`,
  'access_request.approved': (d) => `Access request approved: ${d.email} for the account ${d.accountName}`,
  'access_request.declined': (d) => `Access request declined: ${d.email} for the account ${d.accountName}`,
} as const satisfies Record<string, (data: Record<string, unknown>) => string>;

export type TemplateName = keyof typeof TEMPLATES | string;

export function renderSubject(template: TemplateName, data: Record<string, unknown>): string {
  const render = (TEMPLATES as Record<string, (d: Record<string, unknown>) => string>)[template];
  return render ? render(data) : template.replace(/[._]/g, ' ');
}
