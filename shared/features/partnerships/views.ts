/** What the partnership routes answer. */
import type { PartnershipRecord } from '../../domain/partnership';
import type { PartnershipAccess } from '../../domain/partnership-access';
import type { Confirmation, Side } from '../../domain/partnership-term';
import { partnershipSummary } from '../../store/partnerships';

/**
 * The term and the open round as §10 shapes them. A side sees who confirmed on its own side, and only
 * when the other side confirmed.
 */
function governanceView(record: PartnershipRecord, side: Side) {
  const confirmation = (of: Side, c: Confirmation | undefined) => (c ? { by: of === side ? c.by : null, at: c.at } : null);
  const r = record.recertification;
  return {
    termDays: record.termDays ?? null,
    term: record.term ? { startedAt: record.term.startedAt, endsAt: record.term.endsAt, days: record.term.days } : null,
    recertification: r
      ? { opensAt: r.opensAt, dueAt: r.dueAt, host: confirmation('host', r.host), guest: confirmation('guest', r.guest) }
      : null,
  };
}

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
    ...governanceView(record, hostSide ? 'host' : 'guest'),
  };
}
export type PartnershipView = ReturnType<typeof partnershipView>;
