import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  decide,
  decideExpiry,
  decideRequest,
  deriveOutcome,
  EXPIRY_MS,
  manualReminderWait,
  nextDueAt,
  nextReminderAfter,
  nextStatus,
  planDue,
  RECONCILE_AFTER_MS,
  type PartnershipRecord,
  type RequestInput,
} from '../../shared/domain/partnership';
import { codeOf } from '../support/errors';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function request(overrides: Partial<RequestInput> = {}): RequestInput {
  return {
    partnershipId: 'p1',
    host: { workspaceId: 'host', name: 'Host' },
    guestWorkspaceId: 'guest',
    guest: { workspaceId: 'guest', name: 'Guest' },
    partnerEmail: 'Partner@Guest.example',
    guestAdminEmails: ['partner@guest.example'],
    reason: 'We work together',
    requester: { userId: 'u1', email: 'u1@host.example', isHostAdmin: false },
    now: t0,
    ...overrides,
  };
}

const pending = () => decideRequest(request());
const inGuestStage = () => decide(pending(), 'approve', { actorId: 'admin', now: at(1000) }).record;

describe('partnership request', () => {
  it('a member request awaits host approval; the requester owns it', () => {
    const p = pending();
    expect(p.status).toBe('awaiting_host_approval');
    expect(p.guestVisible).toBe(false);
    expect(p.owners.map((o) => o.userId)).toEqual(['u1']);
    expect(p.partnerEmail).toBe('partner@guest.example');
    expect(p.expiresAt).toBe(at(EXPIRY_MS).toISOString());
    expect(p.nextReminderAt).toBe(at(3 * DAY_MS).toISOString());
  });

  it('a host Owner/Admin request skips host approval', () => {
    const p = decideRequest(request({ reason: undefined, requester: { userId: 'a', email: 'a@host', isHostAdmin: true } }));
    expect(p.status).toBe('awaiting_guest_acceptance');
    expect(p.guestVisible).toBe(true);
    expect(p.hostDecision).toMatchObject({ by: 'a', auto: true });
  });

  it.each([
    ['business_rule:same_workspace', { guestWorkspaceId: 'host', guest: { workspaceId: 'host', name: 'Host' } }],
    ['business_rule:reason_required', { reason: undefined }],
    ['business_rule:guest_not_found', { guest: undefined }],
    ['business_rule:partner_not_guest_admin', { partnerEmail: 'someone@guest.example' }],
  ] as const)('refuses %s', (code, overrides) => {
    expect(codeOf(() => decideRequest(request(overrides as Partial<RequestInput>)))).toBe(code);
  });
});

describe('decisions', () => {
  it('approve -> accept makes it active with the outcomes the workflow expects', () => {
    const approved = decide(pending(), 'approve', { actorId: 'admin', now: at(1000) });
    expect(approved).toMatchObject({
      from: 'awaiting_host_approval',
      to: 'awaiting_guest_acceptance',
      stage: 'host_approval',
      outcome: 'approved',
    });
    expect(approved.record.guestVisible).toBe(true);
    expect(approved.notification).toEqual({ template: 'partnership.invitation', to: ['partner'] });
    const accepted = decide(approved.record, 'accept', { actorId: 'g', acceptTerms: true, now: at(2000) });
    expect(accepted).toMatchObject({ to: 'active', stage: 'guest_acceptance', outcome: 'accepted' });
    expect(accepted.record.expiresAt).toBeUndefined();
    expect(accepted.notification?.to).toEqual(['owners', 'hostAdmins']);
    expect(nextDueAt(accepted.record)).toBeUndefined();
  });

  it('accept requires acceptTerms: true', () => {
    expect(codeOf(() => decide(inGuestStage(), 'accept', { actorId: 'g', now: t0 }))).toBe('business_rule:terms_not_accepted');
    expect(codeOf(() => decide(inGuestStage(), 'accept', { actorId: 'g', acceptTerms: false, now: t0 }))).toBe(
      'business_rule:terms_not_accepted',
    );
  });

  it('one decline route serves both stages', () => {
    expect(decide(pending(), 'decline', { actorId: 'a', now: t0 }).to).toBe('declined_by_host');
    const guestDecline = decide(inGuestStage(), 'decline', { actorId: 'g', reason: 'no', now: t0 });
    expect(guestDecline.to).toBe('declined_by_guest');
    expect(guestDecline.record.guestDecision?.reason).toBe('no');
    const resent = decide(guestDecline.record, 'resend', { actorId: 'u1', now: t0 });
    expect(resent).toMatchObject({ to: 'awaiting_guest_acceptance', stage: 'resend', outcome: 'resent' });
    expect(resent.record.resendCount).toBe(1);
  });

  it('a decision in the wrong state is 409 invalid_state', () => {
    expect(codeOf(() => nextStatus('accept', 'awaiting_host_approval'))).toBe('conflict:invalid_state');
    expect(codeOf(() => nextStatus('approve', 'awaiting_guest_acceptance'))).toBe('conflict:invalid_state');
    expect(codeOf(() => nextStatus('resend', 'active'))).toBe('conflict:invalid_state');
    expect(codeOf(() => nextStatus('cancel', 'active'))).toBe('conflict:invalid_state');
    expect(codeOf(() => nextStatus('remove', 'removed'))).toBe('conflict:invalid_state');
    expect(nextStatus('remove', 'active')).toBe('removed');
    expect(nextStatus('cancel', 'declined_by_guest')).toBe('cancelled');
  });

  it('a decision consumes the stage token and bumps the version', () => {
    const withToken: PartnershipRecord = { ...pending(), taskToken: 'tok', taskStage: 'host_approval' };
    const next = decide(withToken, 'approve', { actorId: 'a', now: t0 }).record;
    expect(next.taskToken).toBeUndefined();
    expect(next.version).toBe(withToken.version + 1);
  });

  it('expiry is recorded from any waiting stage and tells the requester', () => {
    const expiry = decideExpiry(pending(), at(EXPIRY_MS));
    expect(expiry).toMatchObject({
      to: 'expired',
      outcome: 'expired',
      notification: { template: 'partnership.expired', to: ['requester'] },
    });
    const active = decide(inGuestStage(), 'accept', { actorId: 'g', acceptTerms: true, now: t0 }).record;
    expect(codeOf(() => decideExpiry(active, at(EXPIRY_MS)))).toBe('conflict:invalid_state');
  });
});

describe('outcome derivation (a wait task registering after the decision)', () => {
  it.each([
    ['host_approval', 'awaiting_guest_acceptance', 'approved'],
    ['host_approval', 'active', 'approved'],
    ['host_approval', 'declined_by_guest', 'approved'],
    ['host_approval', 'declined_by_host', 'declined'],
    ['host_approval', 'cancelled', 'cancelled'],
    ['guest_acceptance', 'active', 'accepted'],
    ['guest_acceptance', 'declined_by_guest', 'declined'],
    ['guest_acceptance', 'removed', 'removed'],
    ['guest_acceptance', 'expired', 'expired'],
    ['resend', 'awaiting_guest_acceptance', 'resent'],
    ['resend', 'active', 'resent'],
    ['resend', 'cancelled', 'cancelled'],
    ['guest_acceptance', 'awaiting_host_approval', undefined],
  ] as const)('%s with status %s -> %s', (stage, status, outcome) => {
    expect(deriveOutcome(stage, status)).toBe(outcome);
  });
});

describe('scheduled job plan', () => {
  it('reminds on a 3-day grid: once per interval', () => {
    const p = { ...pending(), taskToken: 'tok', taskStage: 'host_approval' as const };
    expect(planDue(p, at(3 * DAY_MS - 1)).remind).toBe(false);
    expect(planDue(p, at(3 * DAY_MS)).remind).toBe(true);
    const next = nextReminderAfter(p.stageEnteredAt!, at(3 * DAY_MS + 5000));
    expect(next).toBe(at(6 * DAY_MS).toISOString());
    const reminded = { ...p, nextReminderAt: next };
    expect(planDue(reminded, at(3 * DAY_MS + 10_000)).remind).toBe(false);
    expect(planDue(reminded, at(6 * DAY_MS)).remind).toBe(true);
    expect(nextDueAt(reminded)).toBe(next);
  });

  it('expires after 30 days instead of reminding', () => {
    const plan = planDue({ ...pending(), taskToken: 'tok' }, at(EXPIRY_MS));
    expect(plan).toMatchObject({ expire: true, remind: false, restart: false });
  });

  it('reconciles a stage without a token after a while', () => {
    const p = pending();
    expect(nextDueAt(p)).toBe(at(RECONCILE_AFTER_MS).toISOString());
    expect(planDue(p, at(RECONCILE_AFTER_MS - 1)).restart).toBe(false);
    expect(planDue(p, at(RECONCILE_AFTER_MS)).restart).toBe(true);
    expect(planDue({ ...p, taskToken: 'tok' }, at(RECONCILE_AFTER_MS)).restart).toBe(false);
  });

  it('a pending resume is due at its retry time', () => {
    const active = decide(inGuestStage(), 'accept', { actorId: 'g', acceptTerms: true, now: t0 }).record;
    const withResume = {
      ...active,
      resume: { token: 't', stage: 'guest_acceptance' as const, outcome: 'accepted', attempts: 0, retryAt: at(60_000).toISOString() },
    };
    expect(nextDueAt(withResume)).toBe(at(60_000).toISOString());
    expect(planDue(withResume, at(60_000)).resume).toBe(true);
  });

  it('manual reminders: once per 24 h, Retry-After in seconds', () => {
    expect(manualReminderWait(undefined, t0)).toBe(0);
    expect(manualReminderWait(t0.toISOString(), at(1000))).toBe(24 * 3600 - 1);
    expect(manualReminderWait(t0.toISOString(), at(DAY_MS))).toBe(0);
  });
});
