/** Notification templates: name -> subject line. Bodies are rendered by the delivery channel. */
export const TEMPLATES = {
  // team partners (issue 3)
  'team.member_added': (d) => `You were added to the team ${String(d.teamName)}`,
  'team_partner.invitation_pending': (d) =>
    `Partner invitation${Array.isArray(d.invitations) && d.invitations.length > 1 ? 's' : ''} to approve for the team ${String(d.teamName)}`,
  'team_partner.invitation_reminder': (d) =>
    `Reminder: a partner invitation (${String(d.email)}, team ${String(d.teamName)}) awaits your decision`,
  'team_partner.activated': (d) => `You are now a partner of the team ${String(d.teamName)} (${String(d.permission)})`,
  'team_partner.activated_summary': (d) => `Partners added to the team ${String(d.teamName)}`,
  'team_partner.approved': (d) => `Partner invitation approved: ${String(d.email)} in the team ${String(d.teamName)}`,
  'team_partner.declined': (d) => `Partner invitation declined: ${String(d.email)} in the team ${String(d.teamName)}`,
  'team_partner.expired': (d) => `Partner invitation expired: ${String(d.email)} in the team ${String(d.teamName)}`,
  'team_partner.permission_changed': (d) => `Your permission in the team ${String(d.teamName)} is now ${String(d.permission)}`,
  'team_partner.removed': (d) => `You are no longer a partner of the team ${String(d.teamName)}`,
  // host-guest partnerships (issue 4)
  'partnership.requested': (d) => `Partnership request to approve: ${String(d.hostName)} with ${String(d.guestName)}`,
  'partnership.invitation': (d) => `${String(d.hostName)} invites ${String(d.guestName)} to a partnership`,
  'partnership.accepted': (d) => `Partnership active: ${String(d.guestName)} accepted ${String(d.hostName)}'s partnership`,
  'partnership.declined_by_host': (d) => `Partnership request declined by ${String(d.hostName)}`,
  'partnership.declined_by_guest': (d) => `${String(d.guestName)} declined the partnership with ${String(d.hostName)}`,
  'partnership.cancelled': (d) => `Partnership request cancelled: ${String(d.hostName)} with ${String(d.guestName)}`,
  'partnership.removed': (d) => `Partnership ended: ${String(d.hostName)} with ${String(d.guestName)}`,
  'partnership.expired': (d) => `Partnership request expired: ${String(d.hostName)} with ${String(d.guestName)}`,
  'partnership.reminder': (d) => `Reminder: a partnership (${String(d.hostName)} with ${String(d.guestName)}) awaits your decision`,
  'partnership.owner_added': (d) => `You are now an owner of the partnership ${String(d.hostName)} with ${String(d.guestName)}`,
  // partnership governance (issue 15)
  'partnership.owner_succession': (d) =>
    `You now own the partnership ${String(d.hostName)} with ${String(d.guestName)}: its last owner left ${String(d.hostName)}`,
  'partnership.recertification_opened': (d) =>
    `Recertify the partnership ${String(d.hostName)} with ${String(d.guestName)} before ${String(d.dueAt)}`,
  'partnership.recertification_reminder': (d) =>
    `Reminder: the partnership ${String(d.hostName)} with ${String(d.guestName)} ends on ${String(d.dueAt)} unless both sides recertify it`,
  'partnership.renewed': (d) => `Partnership renewed: ${String(d.hostName)} with ${String(d.guestName)} until ${String(d.endsAt)}`,
  'partnership.ended': (d) => `Partnership ended: ${String(d.hostName)} with ${String(d.guestName)} was not recertified in time`,
  // sharing (issue 5)
  'share.granted': (d) => `${String(d.hostName)} shared the account ${String(d.accountName)} with you (${String(d.role)})`,
  'share.access_removed': (d) => `Your access to the accounts ${String(d.hostName)} shares with ${String(d.guestName)} was removed`,
  'access_request.created': (d) => `Access request to decide: ${String(d.email)} for the account ${String(d.accountName)}`,
  'access_request.approved': (d) => `Access request approved: ${String(d.email)} for the account ${String(d.accountName)}`,
  'access_request.declined': (d) => `Access request declined: ${String(d.email)} for the account ${String(d.accountName)}`,
} as const satisfies Record<string, (data: Record<string, unknown>) => string>;

// A known name (editors complete it) or any other, which renders a fallback subject; `string & {}` keeps the
// known names from being absorbed into `string`.
export type TemplateName = keyof typeof TEMPLATES | (string & {});

export function renderSubject(template: TemplateName, data: Record<string, unknown>): string {
  const render = (TEMPLATES as Record<string, (d: Record<string, unknown>) => string>)[template];
  return render ? render(data) : template.replace(/[._]/g, ' ');
}
