/** What the partnership routes answer. */
import type { PartnershipRecord } from '../../domain/partnership';
import type { PartnershipAccess } from '../../domain/partnership-access';
import { partnershipSummary } from '../../store/partnerships';

/** The partnership as its viewer may see it: the guest side does not see the host's internal reason. */
export function partnershipView(record: PartnershipRecord, access?: Pick<PartnershipAccess, 'isHostMember'>) {
  const hostSide = access?.isHostMember ?? true;
  const decision = (d: PartnershipRecord['hostDecision']) =>
    d ? { by: d.by, at: d.at, reason: d.reason ?? null, ...(d.auto ? { auto: true } : {}) } : null;
  return {
    ...partnershipSummary(record),
    reason: hostSide ? record.reason : null,
    requesterEmail: record.requesterEmail,
    owners: record.owners.map((o) => ({ userId: o.userId, email: o.email, addedAt: o.addedAt })),
    hostDecision: hostSide ? decision(record.hostDecision) : record.hostDecision ? { at: record.hostDecision.at } : null,
    guestDecision: decision(record.guestDecision),
    closed: decision(record.closed),
    resendCount: record.resendCount,
    stage: record.stageEnteredAt
      ? { enteredAt: record.stageEnteredAt, expiresAt: record.expiresAt ?? null, nextReminderAt: record.nextReminderAt ?? null }
      : null,
    lastReminderAt: record.lastReminderAt ?? null,
  };
}
export type PartnershipView = ReturnType<typeof partnershipView>;
